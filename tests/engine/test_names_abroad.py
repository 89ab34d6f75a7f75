"""Names as news outside the US writes them: family names first, given names alone,
hyphenated names and particles, post-nominal letters, and pronouns that are never names."""
from __future__ import annotations


def test_family_name_first_resolves_to_the_full_name(attributed, quote_with):
    text = ("Japan's envoy to the talks, Mori Kenji, said Tokyo supported a reduction in principle. "
            "\"Our fishermen have already cut their effort by a fifth,\" Mori said.")
    assert quote_with(attributed(text), "cut their effort").speaker.name == "Mori Kenji"


def test_a_given_name_used_alone_resolves_to_the_full_name(attributed, quote_with):
    text = ("Rahim bin Osman, the finance minister, told reporters the reform was not negotiable.\n\n"
            "\"Every year we spend more on diesel subsidies than on rural clinics,\" Rahim said.")
    assert quote_with(attributed(text), "rural clinics").speaker.name == "Rahim bin Osman"


def test_an_organisation_that_begins_with_a_persons_name_is_not_that_person(attributed, quote_with):
    text = ("The Eric Trump Foundation held its gala on Friday. "
            "\"My father made the donation,\" Eric Trump said.")
    assert quote_with(attributed(text), "My father made").speaker.name == "Eric Trump"


def test_hyphenated_names_and_particles_stay_whole(attributed, quote_with):
    text = ("Nadia al-Haddad, who leads the Social Democrats, said the coalition could not agree.\n\n"
            "\"The people of Groningen have been promised jobs three times now,\" Al-Haddad said.\n\n"
            "South Korea's trade minister, Han Seo-yeon, was in The Hague for talks. "
            "\"Korean companies need predictability,\" Han said.")
    result = attributed(text)
    assert quote_with(result, "promised jobs").speaker.name == "Nadia al-Haddad"
    assert quote_with(result, "predictability").speaker.name == "Han Seo-yeon"


def test_a_party_initial_before_a_state_is_not_part_of_the_name(attributed, quote_with):
    text = "Sen. Bernie Sanders (I-Vt.) spoke in Iowa. \"It bothers me very much,\" he said."
    assert quote_with(attributed(text), "bothers me").speaker.name == "Bernie Sanders"


def test_post_nominal_letters_are_not_part_of_the_name(attributed, quote_with):
    text = ("Opening the case at Leeds Crown Court, Helen Marsh KC told jurors that the phone had been "
            "showing a football match.\n\n\"This was not a moment's inattention,\" Ms Marsh said.")
    result = attributed(text)
    assert quote_with(result, "showing a football match").speaker.name == "Helen Marsh"
    assert quote_with(result, "moment's inattention").speaker.name == "Helen Marsh"


def test_a_pronoun_opening_a_sentence_is_never_a_name(attributed, quote_with):
    text = ("Tarang Infotech cut its forecast on Thursday, and the Nifty IT index fell 2%. "
            "It said it would pay an interim dividend of 9 rupees a share.")
    quote = quote_with(attributed(text), "interim dividend")
    assert quote.method == "pronoun" and quote.speaker.name != "Nifty IT"


def test_a_capitalised_role_or_nationality_is_a_description_not_a_name(attributed):
    text = ("Kingsmere's head coach, Lars Henriksen, was furious about the corner.\n\n"
            "'Everybody in the stadium saw it except the one person who matters,' the Dane said.\n\n"
            "The Taoiseach, Cathal Moran, rejected the figures. 'They are not accurate,' the Taoiseach said.")
    result = attributed(text)
    assert all(speaker.name not in {"Dane", "Taoiseach"} for speaker in result.speakers)


def test_a_role_word_that_is_someones_surname_stays_a_name(attributed, quote_with):
    text = ("Billie Jean King spoke at the memorial on Friday. "
            "King said Ali \"talked the talk and walked the walk.\"")
    assert quote_with(attributed(text), "talked the talk").speaker.name == "Billie Jean King"


def test_transcript_turns_are_quotes_of_the_labelled_speaker(attributed, quote_with):
    text = ("SEOUL - Choi Min-seo spent a decade designing lithium-ion cells before starting Hanbit Cells. "
            "The interview has been edited for length.\n\n"
            "Q: Chinese companies already make sodium-ion cells. Why would a customer buy from you?\n\n"
            "Choi: Because they want a second supplier, and they want it badly.\n\n"
            "Q: How did investors react?\n\n"
            "Choi: Badly. In 2017 one fund manager told me, \u201cCome back when lithium is expensive.\u201d")
    result = attributed(text)
    question = quote_with(result, "Why would a customer")
    assert question.speaker.name is None and question.speaker.description == "the interviewer"
    answer = quote_with(result, "second supplier")
    assert answer.speaker.name == "Choi Min-seo" and answer.kind == "direct" and answer.method == "turn-taking"
    # a quote inside an answer is part of the answer, not a quote of its own
    assert quote_with(result, "Come back when lithium").text.startswith("Badly.")


def test_a_heading_with_a_colon_is_no_transcript_turn(attributed):
    text = ("The latest count in the Democratic race.\n\nPledged: 1,769.\n\nPledged: 1,501.\n\n"
            "Update: the figures were revised on Sunday.")
    assert attributed(text).quotes == []


def test_a_title_before_a_name_is_split_off_even_as_an_acronym(attributed, quote_with):
    text = ("Sunrise MP Wirote Chaiyaphum argued that mills linked to coalition MPs had been paid for rice "
            "that was never delivered.\n\nCllr M\u00e1ir\u00e9ad Hession said she had asked for a meeting.")
    result = attributed(text)
    assert quote_with(result, "never delivered").speaker.name == "Wirote Chaiyaphum"
    assert quote_with(result, "asked for a meeting").speaker.name == "M\u00e1ir\u00e9ad Hession"


def test_a_given_name_that_speaks_goes_to_the_full_name_it_begins(attributed, quote_with):
    text = ("At the long marble table, the sisters Sol\u00e8ne and Ma\u00eblle Bertholet work side by side.\n\n"
            "\u201cPapa never wanted us in the bakehouse,\u201d Ma\u00eblle recalled.")
    assert quote_with(attributed(text), "bakehouse").speaker.name == "Ma\u00eblle Bertholet"
