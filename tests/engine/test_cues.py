"""Where the cue sits: after, before, split around the quote, colon introductions, bylines."""
from __future__ import annotations


def test_quote_split_by_its_cue_is_two_quotes_with_one_speaker(attributed, quote_with):
    result = attributed('"We did not expect this many voters," she said, "but we are ready for them." '
                        "The remark came from election chief Dana Novak.")
    first, second = quote_with(result, "did not expect"), quote_with(result, "ready for them")
    assert first.id != second.id
    assert first.speaker.id == second.speaker.id


def test_cue_before_the_quote(attributed, quote_with):
    result = attributed('Senator Alan Brooks told reporters, "The bill will pass before the recess."')
    quote = quote_with(result, "bill will pass")
    assert quote.speaker.name == "Alan Brooks"
    assert quote.cue.text == "told"


def test_colon_introduction_in_the_same_sentence(attributed, quote_with):
    result = attributed('Prosecutor Helen Ward was blunt: "This was a planned attack on the clinic."')
    assert quote_with(result, "planned attack").speaker.name == "Helen Ward"


def test_colon_introduction_at_the_end_of_the_previous_paragraph(attributed, quote_with):
    text = ("The company's chief executive, Martin Kohl, wrote to employees on Friday:\n\n"
            "\"We will close the Dayton plant at the end of the year. I know how hard this news is.\"")
    quote = quote_with(attributed(text), "Dayton plant")
    assert quote.speaker.name == "Martin Kohl"
    assert quote.method == "colon introduction"


def test_byline_after_the_quote(attributed, quote_with):
    text = ("Fans waited outside the stadium for hours.\n\n"
            "\"We came for the team, not for the politics.\" - Maria Lopez, a season-ticket holder")
    quote = quote_with(attributed(text), "came for the team")
    assert quote.speaker.name == "Maria Lopez"
    assert quote.method == "byline"


def test_cue_in_the_sentence_before_the_quote(attributed, quote_with):
    text = ("Tom Reed, the county's election director, said in a statement. "
            "\"There are no paper ballots to recount.\"")
    quote = quote_with(attributed(text), "no paper ballots")
    assert quote.speaker.name == "Tom Reed"
    assert quote.method == "previous sentence"


def test_inverted_cue_between_two_halves_of_a_quote(attributed, quote_with):
    result = attributed('"The risk," said Edward Leamer, an economist at the university, '
                        '"is that we are attracting workers and repelling jobs."')
    assert quote_with(result, "The risk").speaker.name == "Edward Leamer"
    assert quote_with(result, "repelling jobs").speaker.name == "Edward Leamer"


def test_inverted_cue_with_a_surname_the_tagger_misreads(attributed, quote_with):
    result = attributed("Mark Skelly, a consultant, has known both men for years. "
                        "\u201cHaving access to the party's voter file is valuable,\u201d said Skelly, "
                        "explaining that he had worked with both men.")
    assert quote_with(result, "voter file").speaker.name == "Mark Skelly"


def test_cue_after_an_exclamation_that_reports_nothing_else(attributed, quote_with):
    result = attributed("\u201cThe great state of Alabama is proud to cast its votes for Donald J. Trump!\u201d "
                        "Senator Jeff Sessions said as he left the stage.")
    assert quote_with(result, "great state of Alabama").speaker.name == "Jeff Sessions"


def test_speaker_after_the_verb_behind_a_quote_is_not_its_object(attributed, quote_with):
    text = ('"We do not have freedom of opinion anymore. #Cologne," tweeted a German user from Hanover '
            "going by the handle Pulvermann.")
    result = attributed(text)
    assert quote_with(result, "freedom of opinion").speaker.description.startswith("a German user")
    assert not [q for q in result.quotes if "German user" in q.text]


def test_a_participle_takes_no_inverted_speaker(attributed):
    text = ("Weaver didn't seem particularly impressed with the comments Tuesday, telling reporters, "
            "\u201cA lot of people said the governor should step down.\u201d")
    assert not [q for q in attributed(text).quotes if q.speaker is not None and q.speaker.description == "reporters"]
