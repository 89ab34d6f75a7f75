"""Quote marks: every style pairs, apostrophes stay apostrophes, bad marks never derail."""
from __future__ import annotations


def test_straight_double_quotes(attributed, quote_with):
    result = attributed('"We will rebuild the bridge by spring," said Mayor Maria Lopez.')
    quote = quote_with(result, "rebuild the bridge")
    assert quote.text == "We will rebuild the bridge by spring,"
    assert quote.kind == "direct" and quote.speaker.name == "Maria Lopez"


def test_curly_double_quotes(attributed, quote_with):
    result = attributed("\u201cThe budget is balanced for the first time in a decade,\u201d Governor Tom Reyes said on Monday.")
    quote = quote_with(result, "budget is balanced")
    assert quote.speaker.name == "Tom Reyes"


def test_british_single_quotes_with_apostrophes(attributed, quote_with):
    text = ("\u2018The Citizens' Assembly doesn't listen to farmers, 'cause nobody asked them,\u2019 "
            "said Fiona Walsh, who chairs the National Farmers' Union.")
    result = attributed(text)
    quote = quote_with(result, "Citizens' Assembly")
    assert quote.text.endswith("nobody asked them,")
    assert quote.speaker.name == "Fiona Walsh"
    assert len(result.quotes) == 1


def test_guillemets_and_low_high_quotes(attributed, quote_with):
    result = attributed("\u00abNous resterons,\u00bb said Claire Martin. \u201eWir bleiben auch,\u201c added Jonas Weber.")
    assert quote_with(result, "Nous resterons").speaker.name == "Claire Martin"
    assert quote_with(result, "Wir bleiben").speaker.name == "Jonas Weber"


def test_nested_quotes_stay_inside_the_outer_quote(attributed, quote_with):
    text = "\"The guard told me 'nobody leaves tonight,' and then he locked the door,\" said Ana Costa."
    result = attributed(text)
    quote = quote_with(result, "locked the door")
    assert "'nobody leaves tonight,'" in quote.text
    assert len(result.quotes) == 1


def test_mismatched_marks_still_pair(attributed, quote_with):
    result = attributed("\u201cWe were never consulted about the pipeline,\" said Chief Robert Gray.")
    assert quote_with(result, "never consulted").speaker.name == "Robert Gray"


def test_unclosed_quote_stops_at_its_paragraph(attributed):
    text = ("One resident, Mary Oakes, was blunt: \"The council has failed this town.\n\n"
            "The council meets again on Thursday. Its chairman, Paul Hart, did not comment.")
    result = attributed(text)
    marked = [q for q in result.quotes if q.kind != "indirect"]
    assert [q.text for q in marked] == ["The council has failed this town."]
    assert marked[0].speaker.name == "Mary Oakes"


def test_multi_paragraph_quote_convention(attributed):
    text = ("\"We knocked on every door in the county,\" said campaign manager Lisa Chen. \"We listened.\n\n"
            "\"And what we heard was that people want their jobs back.\"")
    result = attributed(text)
    second = [q for q in result.quotes if q.text.startswith("We listened")]
    third = [q for q in result.quotes if "jobs back" in q.text]
    assert second and third
    assert second[0].end <= text.index("\n\n")
    assert second[0].speaker.name == third[0].speaker.name == "Lisa Chen"


def test_single_mark_before_a_word_starting_like_an_elision(attributed, quote_with):
    text = "\u2018We will not give up,\u2019 Mr Khan said.\n\n\u2018Nobody in this city will.\u2019"
    assert quote_with(attributed(text), "Nobody in this city").speaker.name == "Khan"
