"""When a witness may restore a garbled field: the acceptance rules of repair.

A witness can never contradict a visible character (alignment forbids it);
the risk is a witness that agrees by chance. Each rule here says how much
agreement is enough, and in which circumstances: a firm anchor, a short item
fitted end to end, or the same slot of the same kind of department.
"""

from __future__ import annotations

import re
from typing import Optional

from rapidfuzz.distance import LCSseq

from ..model import GAP
from .align import Alignment
from .damage import Garbled, Token, render
from .index import SLOT_COLUMNS, Passage, PassageRef, column_of, department_kind

MIN_MATCHES = 5  # visible characters a witness must confirm
SLOT_SCORE = 0.85  # a witness from the same filer's same slot that confirms every visible character
SLOT_MIN_LITERALS = 4
MIN_MATCHED_CJK = 3  # of which Chinese: punctuation alone anchors nothing
MIN_COVERAGE = 0.5  # share of the garbled text's visible characters the witness spans
MIN_DENSITY = 0.25  # share of those the witness shows too (the rest fell into its gaps)


def score_alignment(alignment: Alignment, garbled: Garbled) -> float:
    """0-1: how firmly a witness anchors the garbled text.

    Visible characters can never disagree in an alignment, so the risk is a
    witness that agrees by chance: too few characters confirmed, or confirmed
    only in a corner of the garbled text. Characters that fall into the
    witness's own gaps neither confirm nor contradict.
    """
    if alignment.matches < MIN_MATCHES or alignment.matched_cjk < MIN_MATCHED_CJK:
        return 0.0
    literals = max(garbled.literal_count, 1)
    aligned = alignment.matches + alignment.absorbed
    if aligned / literals < MIN_COVERAGE or alignment.matches / aligned < MIN_DENSITY:
        return 0.0
    return round(min(1.0, alignment.matches / min(12, literals)), 4)


def slot_level(ref: PassageRef, exclude: Optional[PassageRef]) -> int:
    """How closely a witness's place matches the field being repaired.

    2: the same department's same header item in another filing (duties (三)
    of last year); 1: the same item of a department of the same kind in
    another place; 0: anything else. Table rows are not slots, since
    indicators come and go between years.
    """
    if (exclude is None or ref.group is None or exclude.group is None or ref.field != exclude.field
            or ref.filing == exclude.filing or column_of(ref.field) not in SLOT_COLUMNS):
        return 0
    if ref.group == exclude.group:
        return 2
    return 1 if department_kind(ref.group) == department_kind(exclude.group) else 0


def slot_score(alignment: Alignment, garbled: Garbled, ref: PassageRef,
               exclude: Optional[PassageRef]) -> float:
    """Score for a short garbled item witnessed by the same slot of a same-kind filing.

    "负 ，规 。" has too few visible characters to anchor a witness on its
    own, but the same department's duties item (三) of another year that
    confirms every visible character and every run boundary is convincing.
    """
    level = slot_level(ref, exclude)
    if not level:
        return 0.0
    literals = garbled.literal_count
    if (literals < SLOT_MIN_LITERALS or alignment.matches != literals or alignment.matched_cjk < 2
            or alignment.hanging or alignment.absorbed):
        return 0.0
    return SLOT_SCORE if level == 2 else SLOT_SCORE - 0.03


SHAPE_SCORE = 0.8
SHAPE_MIN_LITERALS = 4


def shape_score(alignment: Alignment, garbled: Garbled) -> float:
    """Score for a short garbled passage that a whole witness fits exactly.

    "完 、市 。" shows four characters, too few to anchor on, but a witness
    that it covers from end to end, with every visible character and every
    run boundary confirmed ("完成市委、市政府交办的其他任务。"), is the same
    passage. Conflicting witnesses of the same shape make it ambiguous.
    """
    literals = garbled.literal_count
    if (literals < SHAPE_MIN_LITERALS or alignment.matches != literals or alignment.matched_cjk < 2
            or alignment.hanging or alignment.absorbed or alignment.witness_skipped):
        return 0.0
    return SHAPE_SCORE


def compatible(a: list[Token], b: list[Token]) -> bool:
    """Two restorations agree when every character both show is the same."""
    return _wildcard_equal(render(a, show_soft=True), render(b, show_soft=True))


def _wildcard_equal(a: str, b: str) -> bool:
    """Whether two texts can be the same, each □ standing for any run (either way round)."""
    def matches(pattern: str, text: str) -> bool:
        regex = ".*".join(re.escape(part) for part in pattern.split(GAP))
        # a □ in the text may hide any of the pattern's characters
        return re.fullmatch(regex, text.replace(GAP, "")) is not None or GAP in text and _loose(pattern, text)

    return matches(a, b) or matches(b, a)


def _loose(pattern: str, text: str) -> bool:
    """Both sides have gaps: compare only what both show, in order, around the gaps."""
    regex_a = ".*".join(re.escape(part) for part in pattern.split(GAP))
    regex_b = ".*".join(re.escape(part) for part in text.split(GAP))
    return (re.fullmatch(regex_a, text.replace(GAP, "")) is not None
            or re.fullmatch(regex_b, pattern.replace(GAP, "")) is not None)


def visible_text(garbled: Garbled) -> str:
    """The garbled text's visible characters, in order (what alignment must confirm)."""
    return "".join(t.char for t in garbled.tokens if not t.is_gap)


def may_anchor(garbled: Garbled, passage: Passage, *, score_cutoff: float = 0.0,
               visible: Optional[str] = None) -> bool:
    """A cheap bound before the alignment, from the longest common subsequence of the visible
    characters and the passage (rapidfuzz's LCSseq, in C): False when no alignment with it can be
    accepted at ``score_cutoff``, so that it need not be computed (issue 22).

    An alignment confirms characters in order, so it confirms at most that many (``bound``). It
    needs a few in common to anchor at all; below every visible character it can pass only as a
    firm anchor (:func:`score_alignment`, which grows with the characters confirmed), never by
    shape or slot, which confirm them all."""
    visible = visible_text(garbled) if visible is None else visible
    needed = min(MIN_MATCHES, SHAPE_MIN_LITERALS, len(visible))
    bound = LCSseq.similarity(visible, passage.text)  # ≤ len(visible): spaces and □ are never visible
    if bound < needed:
        return False
    return bound >= len(visible) or _anchor_bound(bound, len(visible)) >= score_cutoff


def _anchor_bound(matches: int, literals: int) -> float:
    """The most :func:`score_alignment` gives an alignment confirming at most ``matches`` characters
    of ``literals`` visible ones (its formula, which grows with the matches)."""
    if matches < MIN_MATCHES:
        return 0.0
    return round(min(1.0, matches / min(12, max(literals, 1))), 4)
