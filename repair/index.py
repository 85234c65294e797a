"""The passage index: every text that can witness a truncated field.

Passages come from (in order of trust) the filing itself, the other filings
of the batch, the persistent repair memory and reference documents. They are
indexed by character bigrams of their visible text; a query fetches the few
passages that share the most informative bigrams with the garbled field, so
the cost of a lookup does not grow with the number of passages compared.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from enum import IntEnum
from typing import Iterable, Optional

from .damage import Garbled, Token, parse_garbled


class Trust(IntEnum):
    """Where a passage comes from; lower is more trusted."""

    FILING = 0
    BATCH = 1
    DECISION = 2  # confirmed by a clerk, from the repair memory
    MEMORY = 3
    REFERENCE = 4


@dataclass(frozen=True)
class PassageRef:
    """Where one copy of a passage stands."""

    source: str
    filing: Optional[str]
    field: str
    trust: Trust


@dataclass
class Passage:
    """A distinct passage text and every place it was seen."""

    id: int
    text: str
    refs: list[PassageRef] = field(default_factory=list)
    _garbled: Optional[Garbled] = None

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


MAX_POSTINGS = 5_000
"""A bigram in more passages than this is too common to select candidates."""


class PassageIndex:
    """An in-memory bigram index over distinct passage texts."""

    def __init__(self) -> None:
        self._by_text: dict[str, Passage] = {}
        self._passages: list[Passage] = []
        self._postings: dict[str, list[int]] = defaultdict(list)
        self._saturated: set[str] = set()

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
            for gram in bigrams(passage.tokens):
                if gram in self._saturated:
                    continue
                postings = self._postings[gram]
                postings.append(passage.id)
                if len(postings) > MAX_POSTINGS:
                    self._saturated.add(gram)
                    del self._postings[gram]
        if ref not in passage.refs:
            passage.refs.append(ref)

    def extend(self, items: Iterable[tuple[Optional[str], PassageRef]]) -> None:
        for text, ref in items:
            self.add(text, ref)

    def get(self, text: str) -> Optional[Passage]:
        return self._by_text.get(text.strip())

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
