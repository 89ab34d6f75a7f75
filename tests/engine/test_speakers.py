"""Who spoke: names, surnames, pronouns, descriptions, titles, organisations, asides,
unnamed people, continuation paragraphs and dialogue turns."""
from __future__ import annotations


def test_surname_resolves_to_the_fullest_name(attributed, quote_with):
    text = ("Rebecca Stone, the city's housing director, presented the plan on Monday. "
            "\"Rents have doubled in five years,\" Stone said.")
    result = attributed(text)
    assert quote_with(result, "Rents have doubled").speaker.name == "Rebecca Stone"
    speaker = next(s for s in result.speakers if s.name == "Rebecca Stone")
    assert {m.text for m in speaker.mentions} >= {"Rebecca Stone", "Stone"}


def test_shared_surname_goes_to_the_nearest_full_name(attributed, quote_with):
    text = ("Hillary Clinton campaigned in Iowa on Monday. Clinton told voters that Clinton's plan "
            "would create jobs, and Clinton's aides handed out leaflets.\n\n"
            "Former President Bill Clinton spoke in Ohio the next day. "
            "\"My wife will win this state,\" Clinton said.")
    assert quote_with(attributed(text), "My wife will win").speaker.name == "Bill Clinton"


def test_statement_saying_speaks_for_whoever_issued_it(attributed, quote_with):
    text = ("Harbor Analytics, a consulting firm, declined to comment on the memo. But Harbor Analytics "
            "issued a statement saying that its clients had never been asked to donate to the charity.")
    quote = quote_with(attributed(text), "never been asked to donate")
    assert quote.speaker.name == "Harbor Analytics"


def test_pronoun_agrees_in_gender(attributed, quote_with):
    text = ("Maria Gonzalez met John Carter at the summit in Geneva. "
            "\"The talks were difficult but honest,\" she said.")
    quote = quote_with(attributed(text), "talks were difficult")
    assert quote.speaker.name == "Maria Gonzalez"
    assert quote.method == "pronoun"


def test_description_refers_back_to_an_earlier_appositive(attributed, quote_with):
    text = ("\"The river has never been this low,\" said veteran hydrologist Nora Quinn.\n\n"
            "\"Farmers will feel it first,\" the hydrologist said.")
    quote = quote_with(attributed(text), "Farmers will feel")
    assert quote.speaker.name == "Nora Quinn"
    assert quote.method == "description"


def test_title_refers_back_to_the_titled_person(attributed, quote_with):
    text = ("Prime Minister Anna Berg arrived in Oslo on Sunday. "
            "\"We will not accept these tariffs,\" the prime minister said.")
    assert quote_with(attributed(text), "accept these tariffs").speaker.name == "Anna Berg"


def test_organisation_speaker(attributed, quote_with):
    text = ("The Ministry of Defence confirmed the exercise. "
            "\"No live ammunition will be used,\" the ministry said in a statement.")
    quote = quote_with(attributed(text), "No live ammunition")
    assert quote.speaker.name == "Ministry of Defence"
    speaker = next(s for s in attributed(text).speakers if s.name == "Ministry of Defence")
    assert speaker.kind == "organization"


def test_aside_between_subject_and_verb(attributed, quote_with):
    text = ("Daniel Reed, who replaced Mark Fisher as chairman in May, said the board would meet weekly. "
            "\"We have a lot to fix,\" Reed said.")
    result = attributed(text)
    assert quote_with(result, "board would meet").speaker.name == "Daniel Reed"


def test_unnamed_speaker_gets_a_description(attributed, quote_with):
    quote = quote_with(attributed('"They took everything," said a shop owner who asked not to be named.'), "took everything")
    assert quote.speaker.name is None
    assert "shop owner" in quote.speaker.description


def test_continuation_paragraph_without_cue(attributed, quote_with):
    text = ("\"The storm hit us at midnight,\" said fisherman Paulo Santos.\n\n"
            "\"By morning there was nothing left of the harbour.\"")
    quote = quote_with(attributed(text), "nothing left")
    assert quote.speaker.name == "Paulo Santos"
    assert quote.method == "continuation"


def test_dialogue_turns_alternate(attributed, quote_with):
    text = ("The senator stopped briefly on her way out.\n\n"
            "\"Are you running for governor?\" a reporter asked.\n\n"
            "\"No,\" Smith replied.\n\n"
            "\"Why not?\"\n\n"
            "\"Because my work here is not finished.\"")
    result = attributed(text)
    assert quote_with(result, "Why not").speaker.description == "a reporter"
    answer = quote_with(result, "not finished")
    assert answer.speaker.name == "Smith"
    assert answer.method == "turn-taking"


def test_one_member_of_a_group_stays_unnamed(attributed, quote_with):
    text = "\"We knocked on every door in this town,\" said one New Hampshire Democrat."
    quote = quote_with(attributed(text), "knocked on every door")
    assert quote.speaker.name is None
    assert "New Hampshire Democrat" in quote.speaker.description


def test_dateline_is_not_the_speaker(attributed, quote_with):
    text = ("LA CROSSE, Wisc. \u2014 Gov. Mike Pence told a crowd of farmers on Friday that "
            "trade deals had hurt rural towns.")
    quote = quote_with(attributed(text), "trade deals had hurt")
    assert quote.speaker is not None and quote.speaker.name == "Mike Pence"


def test_subject_of_the_reported_clause_is_not_the_speaker(attributed):
    text = ("\"It was a bad deal for Ohio,\" said Paul Reyes, a senator from Ohio. The deal is so bad, "
            "\"it should be torn up,\" said Clinton should face questions, according to Reyes.")
    result = attributed(text)
    fragment = next(q for q in result.quotes if q.text == "it should be torn up,")
    assert fragment.speaker is None or fragment.speaker.name != "Clinton"


def test_fragment_goes_to_the_main_speaker_not_to_an_aside(attributed, quote_with):
    text = ("Zeke Emanuel, an oncologist who advised Obama, said the plan was not "
            "\"a government takeover by any stretch.\"")
    quote = quote_with(attributed(text), "by any stretch")
    assert quote.speaker.name == "Zeke Emanuel"


def test_newspaper_named_like_a_speech_verb(attributed, quote_with):
    result = attributed("The Washington Post reported that the talks had collapsed on Sunday.")
    assert quote_with(result, "talks had collapsed").speaker.name == "Washington Post"


def test_plural_title_before_two_names(attributed, quote_with):
    result = attributed("Senators Marco Rubio and Ted Cruz met donors in Miami on Monday. "
                        "Rubio said the plan would fail.")
    assert quote_with(result, "plan would fail").speaker.name == "Marco Rubio"


def test_name_with_a_curly_apostrophe_is_a_name(attributed, quote_with):
    text = ("Filmmaker Dinesh D\u2019Souza made his prediction on Friday.\n\n"
            "D\u2019Souza went on to explain that the race was over. "
            "\u201cI respect their ruthlessness,\u201d he said.")
    result = attributed(text)
    quote = quote_with(result, "I respect their ruthlessness")
    assert quote.speaker.name.endswith("Dinesh D\u2019Souza")  # spelt as written, curly apostrophe kept


def test_organisation_name_keeps_its_for_phrase(attributed, quote_with):
    result = attributed("The Center for Responsive Politics said the spending had doubled since 2012.")
    assert quote_with(result, "spending had doubled").speaker.name == "Center for Responsive Politics"


def test_title_with_of_after_a_name_is_not_part_of_it(attributed, quote_with):
    text = "\u201cIt is not going to be easy,\u201d said Representative Peter T. King of New York on Tuesday."
    assert quote_with(attributed(text), "not going to be easy").speaker.name == "Peter T. King"


def test_gendered_title_picks_the_family_member_of_that_gender(attributed, quote_with):
    text = ("Donald Trump bought the jet in 2011. Its seats match the chairs in Ivanka Trump's den.\n\n"
            "\u201cIt's like a new plane,\u201d Mr. Trump said in a documentary.")
    assert quote_with(attributed(text), "like a new plane").speaker.name == "Donald Trump"


def test_name_beside_a_person_noun_is_a_person_even_if_unknown(attributed, quote_with):
    text = ("One voter, Guadalupe Potocacetpl, 35, showed up in the gear of a Chicano group. "
            "He had protested Trump at a rally in Phoenix and then joined Sanders.\n\n"
            "\"I met a lot of Bernie supporters, and I liked every reason they had,\" he said.")
    assert quote_with(attributed(text), "I met a lot").speaker.name == "Guadalupe Potocacetpl"


def test_bare_first_name_goes_to_the_full_name_it_begins(attributed, quote_with):
    text = ("Bill Clinton returned to New Hampshire on Monday to campaign for his wife.\n\n"
            "\"When we met, we fell in love,\" Bill told the crowd.")
    assert quote_with(attributed(text), "we fell in love").speaker.name == "Bill Clinton"


def test_title_cased_role_before_a_name_is_not_part_of_it(attributed, quote_with):
    text = ("Clinton Senior Adviser Sidney Blumenthal No Idea Where Emails Went.\n\n"
            "Blumenthal told investigators that he never kept copies of the emails.")
    assert quote_with(attributed(text), "never kept copies").speaker.name == "Sidney Blumenthal"


def test_fragment_goes_to_the_verb_it_hangs_on(attributed, quote_with):
    text = ("He said the base immediately \"went into collect mode\" and said Stevens's rescue was "
            "always a priority, Bob told investigators.")
    quote = quote_with(attributed(text), "went into collect mode")
    assert quote.cue.text == "said" and quote.cue.start == 3


def test_fragment_in_a_subordinate_clause_belongs_to_its_own_speaker(attributed, quote_with):
    text = ("While Sanders admitted Tuesday that it would be \"very hard\" to win without more pledged "
            "delegates, his campaign manager Jeff Weaver argued that superdelegates could still switch.")
    fragment = next(q for q in attributed(text).quotes if q.text == "very hard")
    assert fragment.speaker.name == "Sanders"


def test_adjective_before_a_full_name_keeps_the_name(attributed, quote_with):
    text = 'A defiant Donald Trump is insisting he is "winning" and urging supporters to ignore the polls.'
    assert quote_with(attributed(text), "winning").speaker.name == "Donald Trump"


def test_it_refers_back_to_an_organisation_named_as_a_subject(attributed, quote_with):
    text = ("The Democratic National Committee met in Philadelphia on Monday. "
            "It said that the convention would go ahead as planned.")
    quote = quote_with(attributed(text), "convention would go ahead")
    assert quote.speaker.name == "Democratic National Committee" and quote.method == "pronoun"


def test_surname_of_a_person_named_in_full_is_not_a_group(attributed, quote_with):
    text = ("Dan Tripp, South Carolina state director of Keep the Promise, was unsure why the battle started.\n\n"
            "\"Maybe we're just trying to let the bully learn the lesson,\" Tripp said.")
    assert quote_with(attributed(text), "let the bully").speaker.name == "Dan Tripp"


def test_pronoun_takes_a_subject_embedded_in_its_own_sentence(attributed, quote_with):
    text = ("Singer Gladys Knight opened the show.\n\n"
            "Writer Shonda Rhimes and Rihanna were honored later.\n\n"
            "In her speech, Rhimes declared the need for drive: \u201cChange the world and then change it again,\u201d "
            "she said.")
    quotes = attributed(text).quotes
    assert [(q.text, q.speaker.name) for q in quotes] == [("Change the world and then change it again,", "Shonda Rhimes")]
