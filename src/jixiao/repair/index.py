"""The passage index: every text that can witness a truncated field.

Passages come from (in order of trust) the filing itself, the other filings
of the batch, the persistent repair memory and reference documents. They are
indexed by character bigrams of their visible text; a query fetches the few
passages that share the most informative bigrams with the garbled field, so
the cost of a lookup does not grow with the number of passages compared.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from enum import IntEnum
from typing import Iterable, Optional

from .damage import Garbled, Token, parse_garbled


class Trust(IntEnum):
    """Where a passage comes from; lower is more trusted.

    The value is only the rank: the repair memory stores a trust by its
    :attr:`key` (its name), so a level added or moved here never changes
    what a stored passage means.
    """

    FILING = 0
    BATCH = 1
    DECISION = 2  # confirmed by a clerk, from the repair memory
    MEMORY = 3
    REFERENCE = 4

    @property
    def key(self) -> str:
        """The name a store keeps: 'decision', 'memory' …"""
        return self.name.lower()

    @classmethod
    def from_key(cls, key: str) -> "Trust":
        """The level stored as ``key``; a name this jixiao does not know counts as plain memory."""
        return cls.__members__.get(str(key).upper(), cls.MEMORY)


@dataclass(frozen=True)
class PassageRef:
    """Where one copy of a passage stands."""

    source: str
    filing: Optional[str]
    field: str
    trust: Trust
    group: Optional[str] = None  # the filer (department): its other years fill the same slots


@dataclass
class Passage:
    """A distinct passage text and every place it was seen."""

    id: int
    text: str
    refs: list[PassageRef] = field(default_factory=list)
    _garbled: Optional[Garbled] = None
    seen: int = 0  # copies seen, including those beyond MAX_REFS

    def add_ref(self, ref: PassageRef) -> None:
        """Remember where the passage stands; a boilerplate passage keeps its first MAX_REFS places."""
        self.seen += 1
        if len(self.refs) < MAX_REFS and ref not in self.refs:
            self.refs.append(ref)

    @property
    def tokens(self) -> list[Token]:
        if self._garbled is None:
            self._garbled = parse_garbled(self.text, at_capacity=False)
        return self._garbled.tokens

    @property
    def trust(self) -> Trust:
        return min(ref.trust for ref in self.refs)

    def best_ref(self, filing: Optional[str] = None) -> PassageRef:
        """The most trusted place the passage stands, preferring the given filing."""
        return min(self.refs, key=lambda r: (r.trust, r.filing != filing))


def bigrams(tokens: list[Token]) -> set[str]:
    """Pairs of adjacent visible characters; pairs across a gap tell nothing."""
    grams = set()
    for a, b in zip(tokens, tokens[1:]):
        if not a.is_gap and not b.is_gap and not (a.char.isspace() or b.char.isspace()):
            grams.add(a.char + b.char)
    return grams


_SEGMENT_BREAK = re.compile(r"[\s□]+")


def text_bigrams(text: str) -> set[str]:
    """``bigrams`` of a passage straight from its text: whitespace and □ are gaps."""
    grams = set()
    for segment in _SEGMENT_BREAK.split(text):
        grams.update(segment[k:k + 2] for k in range(len(segment) - 1))
    return grams


MAX_REFS = 16
"""Places kept per distinct passage: enough evidence, and no quadratic cost for boilerplate."""

MAX_POSTINGS = 2_000
"""A bigram in more passages than this is too common to select candidates."""

PROFILED_COLUMNS = ("scoring_rule", "explanation")
"""Columns whose phrasing is formulaic enough that a rare last character means a cut."""
MIN_PROFILE_SAMPLES = 8
RARE_ENDING_SHARE = 0.2  # of the most common ending's count


SLOT_COLUMNS = ("duties", "goals")
"""Header items are slots: duties (三) of one year is duties (三) of the next."""
MAX_SLOT_CANDIDATES = 24

# one or more place names ("长沙市岳麓区"), each a few characters ending in a level word
PLACE_PREFIX = re.compile(r"^(?:[\u4e00-\u9fff]{1,8}?(?:自治州|自治县|地区|[省市县区州旗盟]))+(?=[\u4e00-\u9fff]{2,})")


def department_kind(department: Optional[str]) -> Optional[str]:
    """'衡阳市应急管理局' → '应急管理局': same-kind departments share their 三定 duties lists."""
    if not department:
        return None
    return PLACE_PREFIX.sub("", department) or department


def column_of(field_name: str) -> str:
    """'scoring[3].scoring_rule' → 'scoring_rule'; 'goals[2]' → 'goals'."""
    return field_name.rsplit(".", 1)[-1].split("[", 1)[0]


class PassageIndex:
    """An in-memory bigram index over distinct passage texts."""

    def __init__(self) -> None:
        self._by_text: dict[str, Passage] = {}
        self._passages: list[Passage] = []
        self._postings: dict[str, list[int]] = defaultdict(list)
        self._saturated: set[str] = set()
        # How the cells of each column end, learned from the distinct texts seen
        self._endings: dict[str, Counter[str]] = defaultdict(Counter)
        self._ending_seen: set[tuple[str, str]] = set()
        self._slots: dict[tuple[Optional[str], str], list[int]] = defaultdict(list)

    def __len__(self) -> int:
        return len(self._passages)

    def add(self, text: Optional[str], ref: PassageRef) -> None:
        """Add one copy of a passage. Empty cells and "/" are not passages."""
        if text is None:
            return
        text = text.strip()
        if len(text) < 4 or text in ("/", "／"):
            return
        passage = self._by_text.get(text)
        if passage is None:
            passage = Passage(id=len(self._passages), text=text)
            self._by_text[text] = passage
            self._passages.append(passage)
            for gram in sorted(text_bigrams(text)):
                if gram in self._saturated:
                    continue
                postings = self._postings[gram]
                postings.append(passage.id)
                if len(postings) > MAX_POSTINGS:
                    self._saturated.add(gram)
                    del self._postings[gram]
        passage.add_ref(ref)
        column = column_of(ref.field)
        if column in SLOT_COLUMNS and ref.group:
            slot = self._slots[(department_kind(ref.group), ref.field)]
            if passage.id not in slot and len(slot) < MAX_SLOT_CANDIDATES:
                slot.append(passage.id)
        if column in PROFILED_COLUMNS and (column, text) not in self._ending_seen:
            self._ending_seen.add((column, text))
            self._endings[column][text[-1]] += 1

    def unusual_ending(self, column: str, text: Optional[str]) -> bool:
        """Whether ``text`` ends with a character its column's cells rarely end with.

        Scoring rules nearly always end in 分 and explanations in 。; the batch
        teaches which, so a rule ending "…未发挥作" is recognised as cut off
        without a hard-coded list of phrasings. Rare means far rarer than the
        column's usual ending, because a heavily clipped batch spreads its
        endings thin.
        """
        counts = self._endings.get(column)
        stripped = (text or "").rstrip()
        if not counts or not stripped:
            return False
        total = sum(counts.values())
        if total < MIN_PROFILE_SAMPLES:
            return False
        usual = counts.most_common(1)[0][1]
        return counts[stripped[-1]] < RARE_ENDING_SHARE * usual

    def extend(self, items: Iterable[tuple[Optional[str], PassageRef]]) -> None:
        for text, ref in items:
            self.add(text, ref)

    def get(self, text: str) -> Optional[Passage]:
        return self._by_text.get(text.strip())

    def slot_candidates(self, ref: PassageRef) -> list[Passage]:
        """Passages standing in the same header slot of same-kind departments' filings."""
        if column_of(ref.field) not in SLOT_COLUMNS or not ref.group:
            return []
        return [self._passages[i] for i in self._slots.get((department_kind(ref.group), ref.field), ())]

    def candidates(self, garbled: Garbled, *, limit: int = 12) -> list[Passage]:
        """Passages sharing the most informative bigrams with the garbled text."""
        grams = bigrams(garbled.tokens)
        if not grams:
            return []
        total = max(len(self._passages), 1)
        scores: Counter[int] = Counter()
        for gram in sorted(grams):  # set order varies with the process's hash seed; scores must not
            postings = self._postings.get(gram)
            if not postings:
                continue
            weight = math.log(1 + total / len(postings))
            for passage_id in postings:
                scores[passage_id] += weight
        return [self._passages[pid] for pid, _ in scores.most_common(limit)]


def effective_trust(ref: PassageRef, filing: Optional[str]) -> Trust:
    """A batch passage from the filing being repaired counts as the filing's own."""
    if ref.trust <= Trust.BATCH:
        return Trust.FILING if filing is not None and ref.filing == filing else Trust.BATCH
    return ref.trust
