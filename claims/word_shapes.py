"""A word's shape (lower case, capitalized, digits, a quote mark...), an input of the syntax heads
(claims.syntax) and of the attribution taggers' features (claims.extract.features).

Apart from claims.sequence so that what reads articles and stores claims imports no torch: an
ingest whose workers annotate starts 1 s sooner.
"""

from __future__ import annotations

SHAPES = ["lower", "capital", "upper", "digit", "punct", "quote", "other"]
QUOTE_MARKS = set("\"“”‘’'«»")


def word_shape(form: str) -> str:
    if form in QUOTE_MARKS:
        return "quote"
    if form.isdigit():
        return "digit"
    if not any(ch.isalnum() for ch in form):
        return "punct"
    if form.isupper() and len(form) > 1:
        return "upper"
    if form[:1].isupper():
        return "capital"
    if form.islower():
        return "lower"
    return "other"


def shape_id(form: str) -> int:
    """1 + the index of the word's shape in SHAPES (0 is padding)."""
    return SHAPES.index(word_shape(form)) + 1
