"""Speakers in news from many newsrooms: given names of many languages, company names,
nested quotes, self-mention, nationalities and datelines."""
from __future__ import annotations

from attribution import lexicon


def test_given_names_of_many_languages_have_a_gender():
    assert lexicon.first_name_gender("Khaled") == "m"
    assert lexicon.first_name_gender("Maëlle") == "f"
    assert lexicon.first_name_gender("Aoife") == "f"
    assert lexicon.first_name_gender("Tan") is None  # a family name as often as a given one
    assert lexicon.first_name_gender("Brewer", "common") is None  # alone, a surname more likely
    assert lexicon.first_name_gender("Lina", "common") == "f"


def test_she_skips_a_man_named_by_a_given_name_the_short_list_lacks(attributed, quote_with):
    text = ("Dr. Leela Rajagopalan, a retired professor, met Farhan Qureshi at the launch. "
            "Farhan Qureshi said little.\n\n"
            "\"A computer lets you correct everything,\" she says.")
    assert quote_with(attributed(text), "correct everything").speaker.name == "Leela Rajagopalan"


def test_a_middle_name_that_is_a_given_name_does_not_start_the_name(attributed, quote_with):
    text = ("Republican Christine Todd Whitman, the former governor, told the paper she would rather vote "
            "for a Democrat.\n\n\"I am ashamed of this endorsement,\" she said.")
    assert quote_with(attributed(text), "ashamed").speaker.name == "Christine Todd Whitman"


def test_he_is_not_the_man_the_quote_talks_about(attributed, quote_with):
    text = ("Raghav Deshmukh praised his bowlers. Off-spinner Farhan Qureshi took nine wickets in the match.\n\n"
            "\"Farhan is 22 and he bowls like he is 35,\" he said. \"When I was 22, I was scared of everything.\"")
    result = attributed(text)
    assert quote_with(result, "bowls like").speaker.name == "Raghav Deshmukh"
    assert quote_with(result, "scared of everything").speaker.name == "Raghav Deshmukh"


def test_the_company_is_the_company_named_before_it(attributed, quote_with):
    text = ("Daeseong Fine Chemical said in a statement that it had halted all operations at the plant.\n\n"
            "\"We deeply apologize to the injured workers,\" the company said.")
    assert quote_with(attributed(text), "apologize").speaker.name == "Daeseong Fine Chemical"


def test_a_quote_inside_a_quote_is_part_of_it(attributed):
    text = ("She recalled the night the data came in. ‘I sent my supervisor a message that just said, "
            "“I think it’s there.” He replied, “Go to sleep.”’")
    quotes = [q for q in attributed(text).quotes if q.kind == "direct"]
    assert [q.text[:6] for q in quotes] == ["I sent"]


def test_a_nationality_does_not_point_back_to_someone_of_another(attributed, quote_with):
    text = ("Tereza Vávrová won the final in three sets. The 22-year-old Czech beat Julieta Ferraro 6-4 in the "
            "third.\n\nFerraro said she had felt her legs go early.\n\n"
            "Vávrová embraced Ferraro at the net and paid tribute to her opponent.\n\n"
            "The Argentine said she would skip next week's tournament in Rabat.")
    assert quote_with(attributed(text), "skip next week").speaker.name == "Julieta Ferraro"


def test_an_agency_credit_in_the_dateline_is_not_the_speaker(attributed, quote_with):
    text = ("ATLANTA (AP) — South Korean battery maker Hanseong Energy Solutions said Wednesday it would "
            "push back the opening of its plant by a year.\n\n"
            "The company said it would also slow hiring at the plant.")
    result = attributed(text)
    assert quote_with(result, "push back").speaker.name == "Hanseong Energy Solutions"
    assert quote_with(result, "slow hiring").speaker.name == "Hanseong Energy Solutions"
