"""Truncation detection: turn a garbled string into visible characters and gaps.

The filings lose text in three ways, and each leaves a different trace:

* a *collapsed run*: past a cell's capacity each run of Chinese characters
  keeps its first character and a space ("提 ,确 " for "提高…,确保…");
* a *clipped end*: the cell stopped at its width, so the text simply ends
  ("…应急队伍建"); we know it from the extractor (glued to the next cell, text
  touching the bbox edge) or guess it from a dangling word;
* a gap already marked "□" by an earlier pass or a clerk.

A :class:`Garbled` string is the sequence of visible characters and gaps that
alignment works on. Each token keeps its offset in the raw text, so evidence
can point back at it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import count, repeat
from typing import NamedTuple, Optional

from ..model import GAP
from ..model.text import is_cjk, is_word_char
from ..model.words import alone_frequency, cut, starts_frequency

HARD = "run"  # a collapsed run: the rest of a run of Chinese characters
LOOSE = "gap"  # an unknown span: a marked □, or a space after a digit or letter
SOFT = "clip"  # a possibly clipped end: anything may follow, or nothing

TERMINAL_PUNCTUATION = frozenset("。；;！!？?”’）)」』】")
CLAUSE_FINAL = frozenset("分的了等率性者")  # single characters that end clauses on their own
GAP_KINDS = ("collapsed_run", "clipped_end", "dangling_word", "marked_gap", "numbering")


class Token(NamedTuple):
    """A visible character (``char``) or a gap (``gap`` is HARD, LOOSE or SOFT).

    A named tuple, not a frozen dataclass: every passage a repair may draw on is parsed into one
    token per character, and a tuple is made in C (issue 22: parsing was a fifth of repair)."""

    char: Optional[str] = None
    gap: Optional[str] = None
    offset: int = -1  # position in the raw text; -1 for a synthetic token
    origin: Optional[int] = None  # index into the evidence list of whoever restored it

    @property
    def is_gap(self) -> bool:
        return self.gap is not None


@dataclass
class Garbled:
    """A garbled string parsed into tokens, with what was detected about it."""

    raw: str
    tokens: list[Token]
    damage: list[str] = field(default_factory=list)  # kinds found, in GAP_KINDS

    @property
    def has_gaps(self) -> bool:
        return any(t.is_gap for t in self.tokens)

    @property
    def literal_count(self) -> int:
        return sum(1 for t in self.tokens if not t.is_gap)

    def text(self, *, show_soft: bool = False) -> str:
        return render(self.tokens, show_soft=show_soft)


def render(tokens: list[Token], *, show_soft: bool = False) -> str:
    """Text of a token list: hard gaps become one □, soft ends vanish unless asked."""
    out: list[str] = []
    for token in tokens:
        if token.is_gap:
            if token.gap == SOFT and not show_soft:
                continue
            if not out or out[-1] != GAP:
                out.append(GAP)
        else:
            out.append(token.char)
    return "".join(out)


def parse_garbled(raw: str, *, at_capacity: Optional[bool] = None, unusual_ending: bool = False) -> Garbled:
    """Find the gaps in a garbled cell.

    ``at_capacity`` is what the extractor knows about the cell's end: True when
    it filled its width, False when it did not, None when unknown.
    ``unusual_ending`` says the text ends in a way its column rarely does (see
    :class:`ColumnProfile`). An unterminated end is *evidently* clipped when
    the cell also shows collapsed runs (it overflowed), ends in a dangling
    word, or ends unusually: repair may then extend it from a witness
    (damage ``clipped_end``). A cell that merely filled its width is only
    *possibly* clipped (``possibly_clipped``): it is flagged, never extended,
    because a complete phrase that happens to fill its cell is common.
    """
    tokens: list[Token] = []
    damage: list[str] = []
    text = raw.rstrip("\r\n")
    i = 0
    while i < len(text):
        plain = _PLAIN.match(text, i)
        if plain is not None:
            # a run of visible characters, one token each, made at C speed (issue 22: every passage a
            # repair may draw on is parsed); the same tokens as Token(char=…, offset=…)
            end = plain.end()
            tokens.extend(map(_new_token, repeat(Token), zip(text[i:end], repeat(None), count(i), repeat(None))))
            i = end
            continue
        char = text[i]
        if char == GAP:
            _append_gap(tokens, LOOSE, i)
            _note(damage, "marked_gap")
        elif char.isspace():
            j = i
            while j < len(text) and text[j].isspace():
                j += 1
            previous = tokens[-1] if tokens else None
            following = text[j] if j < len(text) else ""
            # A space after a word character is the trace of a collapsed run ("提 ,确 ", "发 1分");
            # a space after punctuation or at the start is only layout, and so is a space between
            # two words of a table cell ("出差人数 正向"):
            # a collapsed run is followed by the punctuation that ended it, a digit, or nothing.
            between_words = bool(following) and is_cjk(following)
            if previous is not None and not previous.is_gap and is_word_char(previous.char) and not (
                    between_words and is_cjk(previous.char) and _run_length(tokens) > 1):
                _append_gap(tokens, HARD if is_cjk(previous.char) else LOOSE, i)
                _note(damage, "collapsed_run")
            i = j
            continue
        else:
            tokens.append(Token(char=char, offset=i))
        i += 1

    ends_open = bool(tokens) and not tokens[-1].is_gap and tokens[-1].char not in TERMINAL_PUNCTUATION
    if ends_open and at_capacity is not False:
        if "collapsed_run" in damage or unusual_ending:
            reason = "clipped_end"
        elif dangling_word(text):
            reason = "dangling_word"
        else:
            reason = "possibly_clipped" if at_capacity else None
        if reason is not None:
            tokens.append(Token(gap=SOFT, offset=len(text)))
            _note(damage, reason)
    return Garbled(raw=raw, tokens=tokens, damage=damage)


_PLAIN = re.compile(r"[^\s" + GAP + "]+")  # \s is exactly str.isspace() for text patterns
_new_token = tuple.__new__


def _run_length(tokens: list[Token]) -> int:
    """How many word characters end the tokens read so far (the run a space would follow)."""
    n = 0
    for token in reversed(tokens):
        if token.is_gap or not is_word_char(token.char):
            break
        n += 1
    return n


def evidently_clipped(garbled: Garbled) -> bool:
    """Whether a trailing SOFT gap may be filled from a witness (see parse_garbled)."""
    return "clipped_end" in garbled.damage or "dangling_word" in garbled.damage


def _append_gap(tokens: list[Token], kind: str, offset: int) -> None:
    if tokens and tokens[-1].is_gap:
        return
    tokens.append(Token(gap=kind, offset=offset))


def _note(damage: list[str], kind: str) -> None:
    if kind not in damage:
        damage.append(kind)


@lru_cache(maxsize=4096)
def dangling_word(text: str) -> bool:
    """Whether the text ends in a lone character that normally begins a longer word.

    jieba segments the tail; "…强化应急队伍建" ends in 建, which on its own is
    far rarer than as the start of 建设/建立/建成, so the cell was likely cut.
    """
    stripped = text.rstrip()
    if len(stripped) < 6 or not is_cjk(stripped[-1]):
        return False
    last = stripped[-1]
    # The tests on the last character come first: they need one row of the word table, and most
    # endings fail them, so jieba splits only where its split can decide (issue 22). The answer is
    # the same: a lone last word is the last character.
    if last in CLAUSE_FINAL or starts_frequency(last) <= 3 * max(alone_frequency(last), 1):
        return False
    words = list(cut(stripped[-12:]))
    # "扣1分": a measure word after a number ends a clause properly
    return len(words) >= 2 and len(words[-1]) == 1 and is_cjk(words[-2][-1])
