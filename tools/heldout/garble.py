"""Garbled cells for the held-out PDFs, as a spreadsheet's text export leaves them, written afresh.

The filings jixiao exists for lose text the way the seed shows: a cell keeps
what fitted in it, and past that every run of Chinese characters keeps only its
first character and a space ("提 ，确 "); a cell may also simply stop
("…发 1"). This module does that to a held-out spec, on its own terms (its own
random draws, its own capacities, nothing from ``samplegen.garble``), so that a
benchmark or evaluation can give jixiao's repair PDFs its own generator did not
make. The truth stays the clean spec: what the repair should give back.
"""

from __future__ import annotations

import copy
import random
from typing import Optional

SEED = 2206  # its own seed: no sample and no other held-out draw uses it

# characters kept whole at the start of each kind of cell (inclusive ranges), and how often a cell
# is also cut short a few characters past that
KEEP = {"level3": (8, 15), "explanation": (18, 70), "scoring_rule": (8, 18), "duties": (60, 180),
        "goals": (50, 160)}
CUT_SHARE = {"level3": 0.2, "explanation": 0.15, "scoring_rule": 0.5, "duties": 0.0, "goals": 0.3}


def _ideograph(char: str) -> bool:
    return "\u4e00" <= char <= "\u9fff" or "\u3400" <= char <= "\u4dbf"


def collapse(text: str, keep: int, cut: Optional[int] = None) -> str:
    """``text`` as a cell that holds ``keep`` characters shows it: after them, a run of two or more
    ideographs is its first one and a space (a run cut in two by the capacity loses its rest the
    same way); everything else stays. Then, with ``cut``, only the first ``cut`` characters.

    >>> collapse("提高防灾减灾救灾能力，确保安全", 0)
    '提 ，确 '
    >>> collapse("无重特大事故发生得5分，发生一起扣1分", 12)
    '无重特大事故发生得5分，发 1分'
    """
    out = [text[:keep]]
    k = keep
    if 0 < k < len(text) and _ideograph(text[k - 1]) and _ideograph(text[k]):
        while k < len(text) and _ideograph(text[k]):
            k += 1
        out.append(" ")
    while k < len(text):
        end = k + 1
        while _ideograph(text[k]) and end < len(text) and _ideograph(text[end]):
            end += 1
        out.append(text[k] + " " if end - k > 1 else text[k])
        k = end
    garbled = "".join(out)
    return garbled if cut is None else garbled[:cut]


def _cell(text: Optional[str], kind: str, rng: random.Random) -> Optional[str]:
    if not text:
        return text
    low, high = KEEP[kind]
    keep = rng.randint(low, high)
    cut = keep + rng.randint(2, 8) if rng.random() < CUT_SHARE[kind] else None
    return collapse(text, keep, cut)


def garble(spec: dict, number: int) -> dict:
    """A copy of ``spec`` whose free-text cells are garbled (``cells`` holds the header block's two
    long cells as drawn); the ``number``-th filing draws its own capacities."""
    from .layout import duties_text, goals_text

    rng = random.Random(SEED * 1000 + number)
    drawn = copy.deepcopy(spec)
    drawn["cells"] = {"duties": _cell(duties_text(spec["duties"]), "duties", rng),
                      "goals": _cell(goals_text(spec["goals"]), "goals", rng)}
    for row in drawn["indicators"]:
        for kind in ("level3", "explanation", "scoring_rule"):
            row[kind] = _cell(row.get(kind), kind, rng)
    return drawn
