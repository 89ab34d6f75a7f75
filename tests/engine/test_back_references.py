"""What pronouns and short descriptions refer back to: an unnamed person who was the subject,
the person the story is about just now, and organisations named or described before."""
from __future__ import annotations


def test_a_pronoun_goes_to_an_unnamed_subject_rather_than_an_earlier_name(attributed, quote_with):
    text = ("Wa Ode Nurlela said she had been travelling with her two children.\n\n"
            "A crew member, who did not want to be named, said the captain had ignored a weather warning. "
            "\"We told him the waves were too big,\" he said.")
    quote = quote_with(attributed(text), "waves were too big")
    assert quote.speaker.name is None and quote.speaker.description == "A crew member"


def test_a_gendered_noun_lets_she_find_an_unnamed_witness(attributed, quote_with):
    text = ("Helen Marsh told the jury the van had not stopped. A 16-year-old girl who was waiting at a bus stop "
            "told police the driver was looking down. In a recorded interview, she said: \"He wasn't looking at "
            "the road at all.\"")
    assert quote_with(attributed(text), "looking at the road").speaker.name is None


def test_a_short_definite_description_is_the_person_just_talked_about(attributed, quote_with):
    text = ("Callum Baird scored twice as Ashbourne came from behind to win 3-2. "
            "\"I just closed my eyes and hoped,\" said Baird.\n\n"
            "\"People were writing us off in January,\" the 29-year-old said.\n\n"
            "\"Suddenly we could get bodies in the box,\" the striker added.")
    result = attributed(text)
    assert quote_with(result, "writing us off").speaker.name == "Callum Baird"
    assert quote_with(result, "bodies in the box").speaker.name == "Callum Baird"


def test_a_description_that_introduces_someone_new_stays_unnamed(attributed, quote_with):
    text = ("Artur Sakunts called the base on Tuesday. \"We can execute Putin's orders anywhere,\" "
            "said the man on the other end of the line.")
    assert quote_with(attributed(text), "execute Putin's orders").speaker.name is None


def test_the_company_is_the_company_described_earlier(attributed, quote_with):
    text = ("Northline Rail, the larger of the two companies, said in a statement that it had offered wage "
            "increases of 13%.\n\n\"We are disappointed that the union has chosen to strike,\" the company said. "
            "It added that it had begun a controlled shutdown of its network.")
    result = attributed(text)
    assert quote_with(result, "chosen to strike").speaker.name == "Northline Rail"
    assert quote_with(result, "controlled shutdown").speaker.name == "Northline Rail"


def test_an_organisation_description_keeps_to_its_own_modifiers(attributed, quote_with):
    text = ("The Kerala Institute of Public Health and the Dhaka Institute of Population Health ran the study. "
            "The Dhaka institute said the risk rose on hot nights.")
    assert quote_with(attributed(text), "risk rose").speaker.name == "Dhaka Institute of Population Health"


def test_a_plural_organisation_noun_without_article_is_nobody_named(attributed, quote_with):
    text = ("CloudFlare, a San Francisco company, keeps the sites online. "
            "Companies say that weakening encryption would make users more vulnerable.")
    assert quote_with(attributed(text), "weakening encryption").speaker.name is None


def test_a_party_with_the_article_speaks_by_name_but_a_people_does_not(attributed, quote_with):
    text = ("The Greens said they would vote against the subsidy package.\n\n"
            "The Germans announce they are expanding their army for the first time in 25 years.")
    result = attributed(text)
    assert quote_with(result, "vote against the subsidy").speaker.name == "Greens"
    assert quote_with(result, "expanding their army").speaker.name is None


def test_the_name_a_resident_gave_is_the_speaker(attributed, quote_with):
    text = ("Lorries get stuck at the bend every week. One neighbour, who gave only her first name, Carol, "
            "said she had counted 11 lorries stuck there since January.")
    assert quote_with(attributed(text), "counted 11 lorries").speaker.name == "Carol"


def test_police_is_the_police_force_the_article_named(attributed, quote_with):
    text = ("The National Police Service said officers were investigating the fire. "
            "Police said no arrests had been made.")
    assert quote_with(attributed(text), "no arrests").speaker.name == "National Police Service"


def test_the_group_is_the_organisation_just_talked_about(attributed, quote_with):
    text = ("The Desert Digital Infrastructure Alliance, which represents 14 operators, opposed the bill. "
            "The alliance claimed the bill would force companies to reveal secrets.\n\n"
            "\"We support transparency,\" the group said.")
    assert quote_with(attributed(text), "support transparency").speaker.name == "Desert Digital Infrastructure Alliance"


def test_a_dateline_is_not_what_it_refers_to(attributed, quote_with):
    text = ("BENGALURU - Tarang Infotech cut its revenue forecast on Thursday. Net profit rose 3.1%. "
            "It said it would pay an interim dividend.")
    assert quote_with(attributed(text), "interim dividend").speaker.name != "BENGALURU"


def test_an_age_as_the_subject_the_parse_lost(attributed, quote_with):
    text = ("Callum Baird scored twice.\n\n"
            "\u2018I\u2019ve been sat in the stand for ten weeks,\u2019 the 29-year-old said.")
    assert quote_with(attributed(text), "sat in the stand").speaker.name == "Callum Baird"


def test_a_quote_after_reported_speech_continues_its_speaker(attributed, quote_with):
    text = ("The search would continue for at least seven days, Yusuf Hartono said. "
            "\u201cAs long as there is a chance, we keep going.\u201d")
    assert quote_with(attributed(text), "we keep going").speaker.name == "Yusuf Hartono"


def test_a_description_with_an_aside_after_a_comma_still_refers_back(attributed, quote_with):
    text = ("\"We have heard the message,\" said the outgoing state premier, Ulrich Brenninger. "
            "The 63-year-old, who has led the state since 2013, said he would remain party leader until a new "
            "government was sworn in.")
    assert quote_with(attributed(text), "remain party leader").speaker.name == "Ulrich Brenninger"


def test_the_festival_is_the_festival_named_before(attributed, quote_with):
    text = ("The Locarno Film Festival opened on Wednesday. "
            "The festival said in a statement that ticket sales were up 12% on last year.")
    assert quote_with(attributed(text), "ticket sales").speaker.name == "Locarno Film Festival"


def test_they_after_a_party_is_the_party(attributed, quote_with):
    text = ("The Greens said late on Wednesday that their council would meet on Saturday. "
            "They added that no minister had contacted the party's leadership since Monday.")
    assert quote_with(attributed(text), "no minister had contacted").speaker.name == "Greens"


def test_a_description_once_given_to_someone_stays_theirs(attributed, quote_with):
    text = ("Tereza Vávrová beat Argentina's Julieta Ferraro to win the Lyon Open on Sunday.\n\n"
            "The 22-year-old Czech, seeded sixth, recovered from losing the opening set.\n\n"
            "Ferraro, 27, said she had felt her legs go early in the third set.\n\n"
            "'That drop shot was either the best or the worst idea I've had this year,' the Czech said.")
    assert quote_with(attributed(text), "drop shot").speaker.name == "Tereza Vávrová"


def test_a_role_noun_right_before_a_name_is_that_persons_title(attributed, quote_with):
    text = ("Nutsa Beridze's film premiered on Tuesday. Writing in the Zurich weekly Filmblatt, the critic "
            "Lorenz Huber called the film \u201ca masterpiece of patience\u201d.")
    assert quote_with(attributed(text), "masterpiece").speaker.name == "Lorenz Huber"
