"""A word-by-word comparison of two texts, for showing what changed between two versions of
something people wrote (an answer, a section of terms of reference)."""

from __future__ import annotations

import difflib
import re

_TOKENS = re.compile(r"\s+|[^\s]+")


def text_diff(old: str, new: str) -> list[tuple[str, str]]:
    """A word-level diff: runs of equal, deleted and inserted text, as ("equal" | "delete" |
    "insert", text) pairs. Spaces are kept, so the runs joined give back each text."""
    a, b = _TOKENS.findall(old), _TOKENS.findall(new)
    segments: list[tuple[str, str]] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            segments.append(("equal", "".join(a[i1:i2])))
            continue
        if op in {"delete", "replace"}:
            segments.append(("delete", "".join(a[i1:i2])))
        if op in {"insert", "replace"}:
            segments.append(("insert", "".join(b[j1:j2])))
    return segments
