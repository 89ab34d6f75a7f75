"""Later mentions of a person by a part of their full name: particles, generational suffixes, the
first of two surnames, and a surname the tagger misreads."""
from __future__ import annotations


def test_particles_in_pairs_stay_inside_the_name(attributed, quote_with):
    text = ("Pieter van der Hoeven, a hydrologist at the water board, walked the dyke on Monday.\n\n"
            "\"Some fields must be allowed to flood,\" Van der Hoeven said.")
    assert quote_with(attributed(text), "allowed to flood").speaker.name == "Pieter van der Hoeven"


def test_a_generational_suffix_belongs_to_the_full_name(attributed, quote_with):
    text = ("MANILA - Veteran director Ramon dela Cruz Jr. had not made a feature in nine years.\n\n"
            "\"I wrote it down on a napkin,\" dela Cruz said.")
    assert quote_with(attributed(text), "napkin").speaker.name == "Ramon dela Cruz Jr."


def test_the_first_of_two_surnames_names_the_person(attributed, quote_with):
    text = ("Rodrigo Alarcón Vidal, the regional fire chief, said crews had worked through the night.\n\n"
            "Alarcón said the adobe houses still standing were now the main danger.")
    assert quote_with(attributed(text), "adobe houses").speaker.name == "Rodrigo Alarcón Vidal"


def test_a_name_inside_a_show_title_is_not_a_fuller_name(attributed, quote_with):
    text = ("Sitting down with \"The Rachel Maddow Show\" on Thursday, the senator was asked about the race.\n\n"
            "\"You'll have to ask a bear,\" Maddow said.")
    assert quote_with(attributed(text), "ask a bear").speaker.name == "Maddow"


def test_a_surname_read_as_an_adverb_still_ends_the_name(attributed, quote_with):
    text = ("Writing in the weekly Filmblatt, the critic Lorenz Imhasly called the film "
            "\"a masterpiece of patience\".")
    assert quote_with(attributed(text), "masterpiece").speaker.name == "Lorenz Imhasly"


def test_a_family_name_that_speaks_is_the_full_name_everywhere(attributed, quote_with):
    text = ("Gethin Pugh came from 5-1 down to beat China's Zhao Lianjie 6-5 on Friday night.\n\n"
            "Zhao, the 2021 champion, had looked in control. He admitted he had stopped being brave.\n\n"
            "\"That pink, I will see it tonight,\" said Zhao.")
    result = attributed(text)
    assert quote_with(result, "stopped being brave").speaker.name == "Zhao Lianjie"
    assert quote_with(result, "That pink").speaker.name == "Zhao Lianjie"


def test_a_name_after_the_is_a_thing_not_a_person(attributed, quote_with):
    text = ("For those of you not yet on the Trump Train, the rally was a long one.\n\n"
            "Trump said the policy was \"maniacal\".")
    assert quote_with(attributed(text), "maniacal").speaker.name == "Trump"
