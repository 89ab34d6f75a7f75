"""attribution.scoring: the matching rules on tiny hand-made gold and predictions, and agreement with the shared scorer."""
from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from attribution.scoring import (
    Outcome,
    ScoringInputError,
    format_errors,
    format_reliability,
    format_summary,
    match_spans,
    overlap_ratio,
    reliability,
    same_speaker,
    score,
    trim_span,
)

REPO = Path(__file__).resolve().parents[1]
SHARED_SCORER = REPO.parent / "shared" / "eval" / "score.py"
SEED_GOLD = REPO / "tests" / "data" / "seed.jsonl"

TEXT = 'The mayor said: "We will rebuild the bridge." Critics called it "a fantasy". She added that taxes would not rise.'


def span_of(fragment: str, text: str = TEXT) -> tuple[int, int]:
    start = text.index(fragment)
    return start, start + len(fragment)


def quote(fragment: str, speaker: str | None = "Anna Berg", **fields) -> dict:
    start, end = span_of(fragment)
    return {"start": start, "end": end, "speaker": speaker, **fields}


def gold_document(*quotes: dict, non_quotes: list[list[int]] | None = None) -> dict[str, dict]:
    document = {"text": TEXT, "quotes": list(quotes)}
    if non_quotes is not None:
        document["non_quotes"] = non_quotes
    return {"d": document}


def predicted(*quotes: dict) -> dict[str, dict]:
    return {"d": {"quotes": list(quotes)}}


def test_trim_removes_white_space_quote_marks_and_edge_punctuation_only():
    text = ' \u201c"Hello, world!\u201d. '
    start, end = trim_span(text, 0, len(text))
    assert text[start:end] == "Hello, world"
    assert trim_span("...", 0, 3) == (3, 3)


def test_overlap_ratio():
    assert overlap_ratio((0, 10), (0, 10)) == 1.0
    assert overlap_ratio((0, 10), (5, 15)) == pytest.approx(5 / 15)
    assert overlap_ratio((0, 4), (6, 9)) == 0.0
    assert overlap_ratio((3, 3), (3, 3)) == 0.0


def test_matching_needs_half_overlap_and_is_one_to_one_best_first():
    assert match_spans([(0, 10)], [(0, 5)]) == {0: 0}  # IoU exactly 0.5 matches
    assert match_spans([(0, 10)], [(0, 4)]) == {}
    # one prediction over two gold quotes goes to the one it overlaps best; the other is missed
    assert match_spans([(0, 10), (10, 14)], [(0, 12)]) == {0: 0}
    # two predictions for one gold: only the better one matches
    assert match_spans([(0, 10)], [(0, 6), (0, 9)]) == {0: 1}


@pytest.mark.parametrize(
    ("gold", "predicted_name", "same"),
    [
        ("Grigori Sverdlin", "Sverdlin", True),
        ("Grigori Sverdlin", "grigori SVERDLIN", True),
        ("Sverdlin", "Grigori Sverdlin", True),  # the prediction may add one token
        ("Sverdlin", "Grigori Ivanovich Sverdlin", False),  # but not two
        ("Grigori Sverdlin", "Mr. Sverdlin", True),  # titles ignored
        ("Grigori Sverdlin", "Dmitri Sverdlin", False),
        ("Grigori Sverdlin", "Grigori", False),  # the surname must agree
        ("José Álvarez", "Jose Alvarez", True),  # accents folded
        ("Biden", "Biden's", True),  # possessive dropped
        (None, None, True),  # unnamed matches unnamed only
        (None, "Anna Berg", False),
        ("Anna Berg", None, False),
        ("Anna Berg", "Dr.", False),  # nothing left after the title
    ],
)
def test_speaker_names(gold, predicted_name, same):
    assert same_speaker(gold, predicted_name) is same


def test_perfect_prediction_scores_one_and_accepts_speaker_objects():
    gold = gold_document(quote("We will rebuild the bridge.", kind="direct"))
    prediction = predicted({**quote('"We will rebuild the bridge."'), "speaker": {"id": "s1", "name": "Berg", "description": None}})
    summary, errors = score(gold, prediction)
    assert (summary.detection.f1, summary.speaker_accuracy, summary.end_to_end.f1, summary.exact_span_share) == (1.0, 1.0, 1.0, 1.0)
    assert errors == []


def test_missed_spurious_and_wrong_speaker_are_counted_and_listed():
    gold = gold_document(
        quote("We will rebuild the bridge.", kind="direct"),
        quote("taxes would not rise", kind="indirect"),
        quote("a fantasy", speaker="Critics", kind="mixed"),
    )
    prediction = predicted(
        quote("We will rebuild the bridge.", speaker="Tom Berg", method="pronoun", mention={"start": 0, "end": 3, "text": "She"}),  # wrong speaker
        quote("a fantasy", speaker=None),  # wrong speaker (unnamed)
        quote("The mayor said", speaker="Anna Berg"),  # spurious
    )
    summary, errors = score(gold, prediction)
    assert (summary.gold_quotes, summary.predicted_quotes) == (3, 3)
    assert summary.detection.recall == pytest.approx(0.6667)
    assert summary.speaker_accuracy == 0.0
    assert summary.end_to_end.f1 == 0.0
    assert summary.by_kind["indirect"].recall == 0.0
    assert sorted(error.error for error in errors) == ["missed", "spurious", "wrong speaker", "wrong speaker"]
    listing = "\n".join(format_errors(errors, per_group=5))
    assert "== missed: 1 (indirect 1)" in listing
    assert "'taxes would not rise'" in listing
    assert "gold Anna Berg, predicted Tom Berg via pronoun ('She')" in listing
    assert "Critics -> (unnamed) x1" in listing


def test_error_examples_take_turns_across_documents_worst_first():
    gold = {
        "few": {"text": TEXT, "quotes": [quote("a fantasy")]},
        "many": {"text": TEXT, "quotes": [quote("a fantasy"), quote("taxes would not rise"), quote("We will rebuild the bridge.")]},
    }
    _, errors = score(gold, {})
    examples = [line for line in format_errors(errors, per_group=3) if line.startswith("   [")]
    assert [line.split()[0] for line in examples] == ["[many", "[few", "[many"]


def test_optional_gold_is_neither_required_nor_penalised():
    gold = gold_document(quote("We will rebuild the bridge.", optional=True), quote("taxes would not rise", optional=True))
    summary, errors = score(gold, predicted(quote("We will rebuild the bridge.", speaker="Somebody Else")))
    assert (summary.gold_quotes, summary.predicted_quotes) == (0, 0)
    assert errors == []


def test_speaker_eval_false_counts_for_detection_only():
    gold = gold_document(quote("We will rebuild the bridge.", speaker="He", speaker_eval=False), quote("taxes would not rise"))
    prediction = predicted(quote("We will rebuild the bridge.", speaker="Anna Berg"), quote("taxes would not rise"))
    summary, errors = score(gold, prediction)
    assert summary.detection.f1 == 1.0
    assert summary.by_kind["direct"].speaker_accuracy == 1.0  # only the scored quote counts
    assert summary.speaker_accuracy == 1.0
    # end to end leaves out the unscored gold quote and its matched prediction
    assert (summary.end_to_end.precision, summary.end_to_end.recall) == (1.0, 1.0)
    assert errors == []


def test_non_quotes_reported_as_quotes_raise_the_false_positive_rate():
    fantasy, bridge = list(span_of('"a fantasy"')), list(span_of("the bridge"))
    gold = gold_document(non_quotes=[fantasy, bridge])
    summary, _ = score(gold, predicted(quote("a fantasy")))
    assert summary.non_quote_false_positive_rate == 0.5
    assert score(gold_document(), predicted())[0].non_quote_false_positive_rate is None


def test_documents_without_prediction_count_as_predicting_nothing():
    summary, errors = score(gold_document(quote("taxes would not rise")), {})
    assert summary.documents_without_prediction == 1
    assert summary.detection.recall == 0.0
    assert [error.error for error in errors] == ["missed"]


def test_prediction_outside_the_text_is_refused():
    with pytest.raises(ScoringInputError, match="outside the text"):
        score(gold_document(), predicted({"start": 0, "end": len(TEXT) + 1, "speaker": None}))
    with pytest.raises(ScoringInputError, match="speaker must be"):
        score(gold_document(quote("a fantasy")), predicted({**quote("a fantasy"), "speaker": 7}))


def test_summary_layout():
    summary, _ = score(gold_document(quote("a fantasy", kind="mixed")), predicted(quote("a fantasy")))
    lines = format_summary(summary)
    assert lines[0] == "documents 1 (no prediction for 0), gold quotes 1, predicted 1"
    assert lines[1] == "detection    P 1.000  R 1.000  F1 1.000  (exact spans 1.000)"
    assert lines[2] == "  mixed     gold    1  recall 1.000  speaker acc 1.000"
    assert lines[-1] == "end-to-end   P 1.000  R 1.000  F1 1.000"


# --- agreement with ../shared/eval/score.py ------------------------------------------------------------------------

needs_shared_scorer = pytest.mark.skipif(not SHARED_SCORER.exists(), reason=f"the shared scorer {SHARED_SCORER} is absent (clone without ../shared)")


@pytest.fixture(scope="module")
def shared_scorer():
    spec = importlib.util.spec_from_file_location("shared_score", SHARED_SCORER)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def shared_summary(shared_scorer, gold: dict, prediction: dict) -> tuple[dict, list[str]]:
    summary, errors = shared_scorer.score(gold, prediction)
    return summary, [error["error"] for error in errors]


@needs_shared_scorer
def test_same_numbers_as_the_shared_scorer_on_the_seed_with_engine_predictions(shared_scorer):
    from attribution import attribute

    gold = {str(row["id"]): row for row in map(json.loads, SEED_GOLD.read_text(encoding="utf-8").splitlines()) if row}
    prediction = {doc_id: {"id": doc_id, **attribute(row["text"]).to_dict()} for doc_id, row in gold.items()}
    ours, our_errors = score(gold, prediction)
    theirs, their_errors = shared_summary(shared_scorer, gold, prediction)
    assert ours.to_dict() == theirs
    assert [error.error for error in our_errors] == their_errors


NAMES = ["Anna Berg", "Berg", "Tom Berg", "Dr. Berg", "Zoë Ng", "Zoe Ng", "ng", None]


@st.composite
def gold_and_prediction(draw):
    text = draw(st.text(alphabet=' "\u201c\u201d.,abcdeXYZ\n', min_size=1, max_size=60))

    def spans(min_size=0):
        return draw(st.lists(st.tuples(st.integers(0, len(text)), st.integers(0, len(text))).map(sorted), min_size=min_size, max_size=6))

    gold_quotes = [
        {"start": start, "end": end, "speaker": draw(st.sampled_from(NAMES)), "kind": draw(st.sampled_from(["direct", "mixed", "indirect"])),
         "optional": draw(st.booleans()), "speaker_eval": draw(st.booleans())}
        for start, end in spans()
    ]
    predicted_quotes = [{"start": start, "end": end, "speaker": draw(st.sampled_from(NAMES))} for start, end in spans()]
    gold = {"d": {"text": text, "quotes": gold_quotes, "non_quotes": [list(span) for span in spans()]}}
    return gold, {"d": {"quotes": predicted_quotes}} if draw(st.booleans()) else {}


@needs_shared_scorer
@settings(max_examples=300, deadline=None)
@given(gold_and_prediction())
def test_same_numbers_as_the_shared_scorer_on_random_documents(shared_scorer, case):
    gold, prediction = case
    ours, our_errors = score(gold, prediction)
    theirs, their_errors = shared_summary(shared_scorer, gold, prediction)
    assert ours.to_dict() == theirs
    assert [error.error for error in our_errors] == their_errors


def test_every_counted_prediction_has_an_outcome_right_only_with_the_right_speaker():
    gold = gold_document(quote("We will rebuild the bridge."), quote("a fantasy", optional=True),
                         quote("taxes would not rise", speaker="Ron Ames"))
    prediction = predicted(quote("We will rebuild the bridge.", confidence=0.9, method="name"),
                           quote("a fantasy", confidence=0.4),  # matches an optional quote: not counted
                           quote("taxes would not rise", confidence=0.7),  # wrong speaker
                           quote("The mayor said", confidence=0.2))  # spurious
    outcomes: list[Outcome] = []
    score(gold, prediction, outcomes)
    assert [(o.confidence, o.right) for o in outcomes] == [(0.9, True), (0.7, False), (0.2, False)]
    assert outcomes[0].method == "name" and outcomes[0].document_id == "d"


def test_reliability_bins_compare_confidence_with_the_share_right():
    outcomes = [Outcome("d", 0.95, None, None, True)] * 9 + [Outcome("d", 0.95, None, None, False)] \
        + [Outcome("d", 0.35, None, None, True)] * 5 + [Outcome("d", 0.35, None, None, False)] * 5 \
        + [Outcome("d", None, None, None, True), Outcome("d", 1.0, None, None, True)]
    table = reliability(outcomes)
    assert table.count == 21
    assert [(row.low, row.count, row.share_right) for row in table.bins] == [(0.3, 10, 0.5), (0.9, 11, 0.9091)]
    # |0.35 - 0.5| * 10 + |(9 * 0.95 + 0.95 + 1.0) / 11 - 10 / 11| * 11, over 21
    assert table.expected_calibration_error == pytest.approx((1.5 + abs(10.5 - 10)) / 21, abs=1e-4)
    lines = format_reliability(table)
    assert "expected calibration error 0.095" in lines[0] and lines[2].split()[:4] == ["0.3", "-", "0.4", "10"]
    assert format_reliability(reliability([])) == ["confidence: no scored prediction carries one"]
