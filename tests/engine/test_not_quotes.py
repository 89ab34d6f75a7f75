"""Text in quote marks that nobody said: scare quotes, titles, nicknames, translations."""
from __future__ import annotations


def test_scare_quotes(attributed):
    assert attributed('The so-called "reform" left thousands of families without support.').quotes == []


def test_titles_of_shows_and_songs(attributed):
    text = 'The band closed with "Born in the U.S.A." before an interview on NBC\'s "Meet the Press."'
    assert attributed(text).quotes == []


def test_nickname(attributed):
    assert attributed('Former boxer Joe "The Hammer" Malone opened a gym in Leeds.').quotes == []


def test_translated_name_in_parentheses(attributed):
    text = 'She founded Idite Lesom! ("Go by the forest"), which helps deserters leave the country.'
    assert attributed(text).quotes == []


def test_credited_article_title(attributed):
    text = 'SHORT READS: "An NYPD sketch artist gets a gallery show," by Hyperallergic\'s Carey Dunne.'
    assert attributed(text).quotes == []


def test_marked_text_nobody_said_is_not_reported(attributed):
    result = attributed("Protesters marched past the stadium.\n\n"
                        "\"Donald Trump is not a racist, guys.\"\n\n"
                        "The coalition lists 34 members on its website.")
    assert result.quotes == []


def test_attribute_values_in_leftover_markup(attributed):
    text = ("Democrats reacted quickly:\n\n"
            '<tweet pic="" author="HillaryClinton">We must act on gun violence now. -H</tweet>.')
    assert not [q for q in attributed(text).quotes if "author" in q.text or q.text == "HillaryClinton"]


def test_book_title_with_a_subtitle(attributed):
    text = ('Fiorina said her memoir "Backfire: Carly Fiorina\'s High-Stakes Battle for the Soul of '
            'Hewlett-Packard" sold well.')
    assert not [q for q in attributed(text).quotes if q.text.startswith("Backfire")]


def test_single_quoted_subheading_alone_on_its_line(attributed):
    text = ("\"That's not what happened,\" Mr. Autor said.\n\n"
            "'A really tough decision.'\n\n"
            "The plant in Indianapolis opened in 1990.")
    assert [q.text for q in attributed(text).quotes] == ["That's not what happened,"]


def test_that_said_is_the_writers_transition(attributed):
    text = "That said, a loss to Mr. Sanders in this state would be a sour end to her primary campaign."
    assert attributed(text).quotes == []


def test_deny_with_two_objects_withholds_rather_than_reports(attributed):
    text = "A swing of a few points in Ohio would deny Democrats a possible landslide in November."
    assert attributed(text).quotes == []


def test_the_writers_asides_report_nothing(attributed):
    for text in ("It's worth noting there is little love lost between the big banks and Mr. Trump.",
                 "There's no denying he has had quite a run this year.",
                 "It should be noted that two of the researchers were later hired by the campaign."):
        assert attributed(text).quotes == [], text


def test_title_after_a_word_naming_a_work(attributed):
    result = attributed('Trump said the show "The Apprentice" had made him famous, and Sanders called the book '
                        '"A Future to Believe In" a blueprint.')
    assert [q.text for q in result.quotes] == ['the show "The Apprentice" had made him famous']
