"""Paragraphs and parse chunks: what gets parsed, with offsets into the original text."""
from attribution import segment

ARTICLE = (
    "The mayor spoke on Monday.\n\n"
    + '"' * 12_000
    + "\n\n"
    + '"We will rebuild the bridge," said Mayor Ana Ruiz.'
)


def test_paragraphs_keep_original_offsets():
    text = "  First line.\n\n\nSecond line.  \n"
    found = segment.paragraphs(text)
    assert [text[p.start:p.end] for p in found] == ["First line.", "Second line."]


def test_long_paragraph_is_cut_after_a_sentence_end():
    sentence = "The council met again on Tuesday to discuss the budget. "
    text = sentence * 200
    [paragraph] = segment.paragraphs(text)
    pieces = segment.chunks(text, paragraph, limit=1000)
    assert all(c.end - c.start <= 1000 for c in pieces)
    assert all(text[c.start:c.end].rstrip().endswith(".") for c in pieces)
    assert pieces[0].start == paragraph.start and pieces[-1].end == paragraph.end


def test_chunks_without_a_word_are_not_parsed():
    paragraphs = segment.paragraphs(ARTICLE)
    parsed = [c for p in paragraphs for c in segment.chunks(ARTICLE, p)]
    assert {c.paragraph for c in parsed} == {0, 2}


def test_a_run_of_quote_marks_hides_no_quote_and_spoils_none(attributed, quote_with):
    result = attributed(ARTICLE)
    assert [q.text for q in result.quotes] == ["We will rebuild the bridge,"]
    assert quote_with(result, "rebuild").speaker.name == "Ana Ruiz"


def test_stretches_answer_whether_an_offset_is_inside_one():
    stretches = segment.Stretches([(20, 30), (2, 5)])
    assert [offset in stretches for offset in (1, 2, 4, 5, 19, 20, 29, 30)] == [
        False, True, True, False, False, True, True, False]
    assert 3 not in segment.Stretches([])
