"""Partial quotes inside reported sentences, and reported speech without marks."""
from __future__ import annotations


def test_mixed_quote_fragment(attributed, quote_with):
    result = attributed('Opposition leader Karen Olsen called the plan "reckless and unfunded" on Tuesday.')
    quote = quote_with(result, "reckless and unfunded")
    assert quote.kind == "mixed"
    assert quote.text == "reckless and unfunded"
    assert quote.speaker.name == "Karen Olsen"


def test_said_that_clause(attributed, quote_with):
    result = attributed("Finance Minister Erik Dahl said that the new tax would raise $2 billion next year.")
    quote = quote_with(result, "new tax")
    assert quote.kind == "indirect"
    assert quote.text == "the new tax would raise $2 billion next year"
    assert quote.speaker.name == "Erik Dahl"


def test_according_to(attributed, quote_with):
    result = attributed("According to police spokesman Tom Baker, the suspect fled in a stolen car.")
    quote = quote_with(result, "suspect fled")
    assert quote.text == "the suspect fled in a stolen car"
    assert quote.speaker.name == "Tom Baker"
    assert quote.method == "according to"


def test_told_reporters(attributed, quote_with):
    result = attributed("Coach Sam Riley told reporters the team would appeal the suspension.")
    quote = quote_with(result, "appeal the suspension")
    assert quote.kind == "indirect" and quote.speaker.name == "Sam Riley"


def test_speech_verbs_beyond_said(attributed, quote_with):
    text = ("Health officials warned that the outbreak could spread to schools. "
            "Governor Lena Park insisted the state was prepared.")
    result = attributed(text)
    assert quote_with(result, "outbreak could spread").cue.text == "warned"
    assert quote_with(result, "state was prepared").speaker.name == "Lena Park"


def test_beliefs_are_not_reported_speech(attributed):
    result = attributed("Many voters believe the election was decided months ago.")
    assert result.quotes == []


def test_passive_cue_names_the_asker(attributed, quote_with):
    result = attributed("Asked by host Megan Clark whether he would run again, the senator smiled.")
    quote = quote_with(result, "would run again")
    assert quote.speaker.name == "Megan Clark"


def test_commitments_and_deeds_are_not_reported_speech(attributed):
    result = attributed("Trump pledged to build a wall along the southern border. "
                        "The group claimed responsibility for the attacks. "
                        "Clinton declared victory in the primary on Tuesday night.")
    assert result.quotes == []


def test_negated_speech_reports_nothing(attributed):
    result = attributed("Mrs. Clinton did not say that Mr. Sanders was unqualified to be president.")
    assert result.quotes == []


def test_according_to_after_a_coordination_covers_every_conjunct(attributed, quote_with):
    text = ("Trump received 37 percent, Clinton had 36 percent and Bloomberg took 13 percent, "
            "according to the results.")
    quote = quote_with(attributed(text), "Bloomberg took")
    assert quote.text.startswith("Trump received 37 percent")


def test_according_to_does_not_report_the_writers_aside(attributed, quote_with):
    text = ("Clinton holds a 10-point lead in California, according to the RealClearPolitics average, "
            "where 475 delegates will be at stake.")
    result = attributed(text)
    assert quote_with(result, "10-point lead").kind == "indirect"
    assert not [q for q in result.quotes if "at stake" in q.text]


def test_verb_the_tagger_took_for_a_noun(attributed, quote_with):
    quote = quote_with(attributed("But Trump claims that he should be the exception."), "exception")
    assert quote.text == "he should be the exception"
    assert quote.speaker.name == "Trump"


def test_called_for_a_gerund_or_a_for_to_clause(attributed, quote_with):
    text = ("President Obama called for reducing the corporate tax rate to 28 percent. "
            "Sen. Bernie Sanders has called for the national minimum wage to be raised to $15 by 2020.")
    result = attributed(text)
    assert quote_with(result, "corporate tax rate").text == "reducing the corporate tax rate to 28 percent"
    assert quote_with(result, "minimum wage").text == "the national minimum wage to be raised to $15 by 2020"


def test_negated_verb_still_reports_a_question(attributed, quote_with):
    result = attributed("The campaign would not say whether Sullivan had been interviewed by the FBI.")
    assert quote_with(result, "interviewed by the FBI").kind == "indirect"
    assert not attributed("Clinton did not say that the deal was dead.").quotes


def test_according_to_at_the_end_covers_the_whole_sentence(attributed, quote_with):
    text = ("Her standing among whites at this point is worse than President Obama's ever has been, "
            "according to Bill McInturff, a Republican pollster.")
    quote = quote_with(attributed(text), "ever has been")
    assert quote.text == "Her standing among whites at this point is worse than President Obama's ever has been"
    assert quote.speaker.name == "Bill McInturff"


def test_quantifier_subject_is_an_unnamed_speaker(attributed, quote_with):
    text = 'Nine of 10 Republicans were worried about the economy; most said they were "very worried."'
    quote = quote_with(attributed(text), "very worried")
    assert quote.kind == "mixed" and quote.speaker.name is None


def test_reported_speech_nested_in_reported_speech_is_one_quote(attributed):
    text = "City Attorney Brad Holm said in a letter that the advertisement suggests that the city supports Trump."
    quotes = attributed(text).quotes
    assert [(q.text, q.speaker.name) for q in quotes] == [
        ("the advertisement suggests that the city supports Trump", "Brad Holm")]


def test_reported_clause_the_parse_hung_on_a_noun(attributed, quote_with):
    quote = quote_with(attributed("Clinton claimed at the time that she had turned over every work email."),
                       "turned over")
    assert quote.text == "she had turned over every work email" and quote.speaker.name == "Clinton"


def test_clause_around_a_quoted_fragment_is_not_a_second_quote(attributed):
    text = 'Opposition leader Karen Olsen said the plan was "reckless and unfunded" and would fail by spring.'
    quotes = attributed(text).quotes
    assert [(q.text, q.kind, q.speaker.name) for q in quotes] == [("reckless and unfunded", "mixed", "Karen Olsen")]


def test_the_writers_transition_is_not_an_outer_source(attributed, quote_with):
    quote = quote_with(attributed("That said, most voters say they believe the economy will recover."), "economy")
    assert quote.speaker is not None and "voters" in quote.speaker.description
