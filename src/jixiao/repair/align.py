"""Gap-aware alignment of a garbled string against a witness passage.

Both sides are token lists (visible characters and gaps, see :mod:`.damage`):
the witness may be garbled too. The alignment is semi-global: the garbled
text may hang off either end of the witness, and the witness may be a longer
passage that contains it. Rules, all from how the filings lose text:

* visible characters must agree exactly and in order: alignment never
  contradicts a character anybody can see;
* a collapsed run (HARD gap) absorbs the rest of a run of Chinese characters,
  and so ends exactly where the other side shows a non-Chinese character;
* a LOOSE gap (□, a space after a digit) absorbs any non-terminal span;
* a SOFT gap (a clipped end) absorbs the rest of the witness sentence;
* where both sides have a gap, the result has a gap.

The best alignment maximises the matched characters. It is computed twice,
once preferring to restore more and once less; if the two differ, the
witness admits two restorations and the result is marked ambiguous.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

from ..model.text import is_cjk
from .damage import HARD, LOOSE, SOFT, TERMINAL_PUNCTUATION, Token

# move codes kept in the back-pointer table
_START_SKIP, _START_HANG, _MATCH, _P_ABSORBS, _W_ABSORBS, _P_CLOSE, _W_CLOSE, _BOTH = range(8)
_NEG = float("-inf")
_MATCH_WEIGHT = 10_000  # matches dominate; restored characters only break ties


@dataclass
class RestoredSpan:
    """Characters of the output that came from the witness."""

    start: int  # token index in the output
    end: int
    witness_offset: int  # offset of the first character in the witness raw text
    text: str


@dataclass
class Alignment:
    """The merged reading of a garbled string and one witness."""

    tokens: list[Token]
    matches: int  # visible characters confirmed by the witness
    matched_cjk: int
    absorbed: int  # visible characters that fell into a witness gap
    hanging: int  # visible characters outside the witness
    restored: int  # characters restored from the witness
    spans: list[RestoredSpan] = field(default_factory=list)
    ambiguous: bool = False
    alternative: Optional[list[Token]] = None  # the other restoration, when ambiguous
    witness_skipped: int = 0  # witness tokens outside the alignment (before and after it)


def _merge_kind(a: str, b: str) -> str:
    for kind in (HARD, LOOSE, SOFT):  # the more constrained gap wins
        if kind in (a, b):
            return kind
    return LOOSE


def align(garbled: list[Token], witness: list[Token], *, check_ambiguity: bool = True) -> Optional[Alignment]:
    """Align a garbled token list against a witness; None when nothing matches."""
    best = _align_once(garbled, witness, prefer_more=True)
    if best is None or not check_ambiguity:
        return best
    other = _align_once(garbled, witness, prefer_more=False)
    if other is not None and _signature(other.tokens) != _signature(best.tokens):
        best.ambiguous = True
        best.alternative = other.tokens
    return best


def is_ambiguous(garbled: list[Token], witness: list[Token], best: Alignment) -> bool:
    """Run the other tie-break of an alignment found with ``check_ambiguity=False``."""
    other = _align_once(garbled, witness, prefer_more=False)
    if other is not None and _signature(other.tokens) != _signature(best.tokens):
        best.ambiguous = True
        best.alternative = other.tokens
    return best.ambiguous


def _signature(tokens: list[Token]) -> str:
    return "".join(t.char if not t.is_gap else "\0" for t in tokens)


_CHAR, _HARD, _LOOSE, _SOFT = 0, 1, 2, 3
_GAP_CODES = {None: _CHAR, HARD: _HARD, LOOSE: _LOOSE, SOFT: _SOFT}


class _Side:
    """Per token of one side: gap code and character (None for a gap). Whether a character is
    Chinese or terminal punctuation is asked of :func:`_info` for the states reached only."""

    __slots__ = ("kind", "char", "_cjk", "_hangs", "_columns")

    def __init__(self, tokens: list[Token]):
        self.char = [t.char for t in tokens]
        self.kind = [_GAP_CODES[t.gap] for t in tokens]
        self._cjk: Optional[list[bool]] = None
        self._hangs: Optional[dict[Optional[str], list[int]]] = None
        self._columns: Optional[dict[Optional[str], list[int]]] = None

    def hang_rows(self, first: Optional[str]) -> list[int]:
        """As the garbled side: the rows 1 … m where a witness starting with ``first`` (None: with a
        gap) may start, ascending (see :func:`_starts`); remembered per first character."""
        if self._hangs is None:
            cjk, kind, m = self.cjk, self.kind, len(self.char)
            # the witness starts at a run boundary of the garbled text
            self._hangs = {None: [i for i in range(1, m + 1)
                                  if not (i < m and cjk[i - 1] and (cjk[i] or kind[i] != _CHAR))]}
        rows = self._hangs.get(first)
        if rows is None:
            m, kind, char = len(self.char), self.kind, self.char
            rows = self._hangs[first] = [i for i in self._hangs[None]
                                         if i == m or kind[i] != _CHAR or char[i] == first]
        return rows

    def columns(self, first: Optional[str]) -> list[int]:
        """As the witness: the columns 0 … n-1 that hold ``first`` or a gap, ascending (where the
        garbled text, starting with ``first``, may start); remembered per character."""
        if self._columns is None:
            self._columns = {None: [j for j, c in enumerate(self.char) if c is None]}
        columns = self._columns.get(first)
        if columns is None:
            columns = self._columns[first] = sorted(
                [j for j, c in enumerate(self.char) if c == first] + self._columns[None])
        return columns

    @property
    def cjk(self) -> list[bool]:
        """Per token, whether it is a Chinese character: for the garbled side, whose every row is
        asked, and which is aligned against many witnesses."""
        if self._cjk is None:
            self._cjk = [_info(c)[0] for c in self.char]
        return self._cjk


_INFO: dict[Optional[str], tuple[bool, bool]] = {None: (False, False)}


def _info(char: Optional[str]) -> tuple[bool, bool]:
    """Whether a character is Chinese, and whether it is terminal punctuation (remembered)."""
    info = _INFO.get(char)
    if info is None:
        info = _INFO[char] = (is_cjk(char), char in TERMINAL_PUNCTUATION)
    return info


_SIDES: dict[int, tuple[list[Token], _Side]] = {}
_SIDES_MAX = 4096


def _side(tokens: list[Token]) -> _Side:
    """A side, computed once per token list: a passage is aligned against many fields, and a field
    against many passages. Kept by identity together with the list itself (so that its id is not
    reused while kept): the engine never changes a token list's characters or gaps once made."""
    kept = _SIDES.get(id(tokens))
    if kept is not None and kept[0] is tokens:
        return kept[1]
    if len(_SIDES) >= _SIDES_MAX:
        _SIDES.clear()
    side = _Side(tokens)
    _SIDES[id(tokens)] = (tokens, side)
    return side


class _Table:
    """The DP's states that are reached, row by row: ``score[i][j]`` and the move that gave it.

    The alignment is a longest path over the (len(P)+1) x (len(W)+1) grid, but only a sliver of it
    is ever reached (visible characters must agree, a collapsed run only absorbs a run of Chinese
    characters), so a row is a dict of the columns reached, not a list of the whole width: the same
    relaxations in the same order as a full table, at the cost of the states reached (issue 22).
    """

    __slots__ = ("score", "move", "order", "k")

    def __init__(self) -> None:
        # rows by index, made when first reached: most of a long passage's rows never are
        self.score: dict[int, dict[int, int]] = {}
        self.move: dict[int, dict[int, int]] = {}
        self.order: list[int] = []  # the columns of the row being relaxed, ascending
        self.k = 0  # the position in ``order`` of the next column to relax

    def start(self, i: int, j: int, move: int) -> None:
        if i not in self.score:
            self.score[i], self.move[i] = {}, {}
        self.score[i][j] = 0
        self.move[i][j] = move

    def relax(self, i: int, j: int, value: int, move: int) -> None:
        """A move into (i, j) that counts only if strictly better: the first of equals stays."""
        row = self.score.get(i)
        if row is None:
            row = self.score[i] = {j: value}
            self.move[i] = {j: move}
        elif j not in row or value > row[j]:
            row[j] = value
            self.move[i][j] = move

    def relax_right(self, i: int, j: int, value: int, move: int) -> None:
        """A move along the row being relaxed (which exists), into column j, then relaxed in its turn."""
        row = self.score[i]
        if j not in row:
            row[j] = value
            self.move[i][j] = move
            order, k = self.order, self.k
            if k >= len(order) or order[k] != j:  # j is the next column: relax it next
                order.insert(k, j)
        elif value > row[j]:
            row[j] = value
            self.move[i][j] = move


def _align_once(P: list[Token], W: list[Token], *, prefer_more: bool) -> Optional[Alignment]:
    m, n = len(P), len(W)
    if m == 0 or n == 0:
        return None
    p, w = _side(P), _side(W)
    table = _Table()
    _starts(table, p, w, m, n)
    tie = 1 if prefer_more else -1
    rows = table.score
    starts = sorted(rows)  # the rows with a start state; any other row is reached from the one above
    k, i = 0, starts[0] if starts else m
    while i < m:  # the last row only ends alignments: nothing moves out of it
        _relax_row(table, i, p, w, n, tie)
        if i + 1 in rows:
            i += 1
        else:  # the next row with a start state (rows in between are never reached)
            while k < len(starts) and starts[k] <= i:
                k += 1
            i = starts[k] if k < len(starts) else m
    end = _best_end(table, m, n)
    if end is None:
        return None
    return _trace(P, W, table.move, end)


def _starts(table: _Table, p: _Side, w: _Side, m: int, n: int) -> None:
    """The start states: the garbled text starting inside the witness (row 0), or the witness
    starting inside the garbled text (column 0). A start where a character of the garbled text
    meets another character of the witness is left out: nothing moves out of it, and no
    alignment ends there, so it changes nothing (and most rows then have no state at all)."""
    first = p.char[0] if p.kind[0] == _CHAR else None
    chars = w.char
    columns = range(n + 1) if first is None else w.columns(first)
    for j in columns:
        # the garbled text starts at a run boundary of the witness, never inside a run:
        # "产 ，" is the start of a run, so it cannot be the second 产 of "产产，"
        if not (0 < j < n and _info(chars[j - 1])[0] and _info(chars[j])[0]):
            table.start(0, j, _START_SKIP)
    # likewise the witness starts at a run boundary of the garbled text: "产 " cannot hang before
    # a witness whose first run "作产" would then continue it; a gap first in the witness lets any
    # character move there, else a character of the garbled text must be the witness's first
    for i in p.hang_rows(None if w.kind[0] != _CHAR else w.char[0]):
        table.start(i, 0, _START_HANG)


def _relax_row(table: _Table, i: int, p: _Side, w: _Side, n: int, tie: int) -> None:
    """Every move out of the reached states of row i, columns in ascending order (moves along the
    row reach columns that are relaxed in their turn)."""
    if p.kind[i] == _CHAR:
        _relax_character_row(table, i, p.char[i], w, n)
    else:
        _relax_gap_row(table, i, p.kind[i], w, n, tie)


def _relax_character_row(table: _Table, i: int, char: Optional[str], w: _Side, n: int) -> None:
    """A visible character of the garbled text moves only where the witness shows the same
    character (a match) or a gap (which swallows it, or ends before it); at any other column, and
    at the witness's end, nothing moves out, so those columns are not visited."""
    row = table.score[i]
    chars, kinds = w.char, w.kind
    order = sorted(j for j in row if j < n and (chars[j] == char or chars[j] is None))
    if not order:
        return
    if all(chars[j] is not None for j in order):
        _match_row(table, i, row, order)
        return
    table.order, table.k = order, 0
    p_is_cjk, p_is_term = _info(char)
    while table.k < len(table.order):
        j = table.order[table.k]
        table.k += 1
        if j == n:
            continue  # reached along the row: the witness's end, where nothing moves on
        s = row[j]
        wk = kinds[j]
        if wk == _CHAR:
            if chars[j] == char:  # a column reached along the row may hold another character
                table.relax(i + 1, j + 1, s + _MATCH_WEIGHT, _MATCH)
            continue
        # the witness gap swallows this character, or ends before it
        if wk == _SOFT or (wk == _HARD and p_is_cjk) or (wk == _LOOSE and not p_is_term):
            table.relax(i + 1, j, s, _W_ABSORBS)
        if wk == _SOFT or (wk == _HARD and not p_is_cjk) or wk == _LOOSE:
            table.relax_right(i, j + 1, s, _W_CLOSE)


def _match_row(table: _Table, i: int, row: dict[int, int], order: list[int]) -> None:
    """A character row whose columns all show that character: every move is a match, into the row
    below, one column on (no move along the row, so no column is added); :meth:`_Table.relax`
    written out, in the same order."""
    below = table.score.get(i + 1)
    if below is None:
        below = table.score[i + 1] = {}
        moves = table.move[i + 1] = {}
    else:
        moves = table.move[i + 1]
    for j in order:
        value = row[j] + _MATCH_WEIGHT
        old = below.get(j + 1)
        if old is None or value > old:
            below[j + 1] = value
            moves[j + 1] = _MATCH


def _relax_gap_row(table: _Table, i: int, pk: int, w: _Side, n: int, tie: int) -> None:
    row = table.score[i]
    moves = table.move[i]
    table.order, table.k = sorted(row), 0
    while table.k < len(table.order):
        j = table.order[table.k]
        table.k += 1
        s = row[j]
        # a SOFT gap that just swallowed the witness's sentence end is finished
        soft_done = (pk == _SOFT and moves[j] == _P_ABSORBS and j > 0
                     and w.kind[j - 1] == _CHAR and _info(w.char[j - 1])[1])
        if j == n:
            if soft_done:
                table.relax(i + 1, j, s, _P_CLOSE)
        elif w.kind[j] != _CHAR:
            _gap_meets_gap(table, i, j, s, pk, w.kind[j], soft_done)
        else:
            _gap_meets_character(table, i, j, s, pk, w, soft_done, tie)


def _gap_meets_gap(table: _Table, i: int, j: int, s: int, pk: int, wk: int, soft_done: bool) -> None:
    # a SOFT end only ever absorbs: it must run on to the sentence end
    if pk != _SOFT or wk == _SOFT:
        table.relax(i + 1, j + 1, s, _BOTH)
    if not soft_done:
        table.relax_right(i, j + 1, s, _P_ABSORBS)
    if pk != _SOFT:
        table.relax(i + 1, j, s, _W_ABSORBS)
    if wk == _SOFT:
        table.relax_right(i, j + 1, s, _W_CLOSE)


def _gap_meets_character(table: _Table, i: int, j: int, s: int, pk: int, w: _Side, soft_done: bool,
                         tie: int) -> None:
    w_is_cjk, w_is_term = _info(w.char[j])
    if not soft_done and (pk == _SOFT or (pk == _HARD and w_is_cjk) or (pk == _LOOSE and not w_is_term)):
        table.relax_right(i, j + 1, s + tie, _P_ABSORBS)
    if soft_done or (pk == _HARD and not w_is_cjk) or pk == _LOOSE:
        table.relax(i + 1, j, s, _P_CLOSE)


def _best_end(table: _Table, m: int, n: int) -> Optional[tuple[int, int]]:
    """The best end state: the garbled text used up (row m), or the witness (column n); the first
    of equals in row m from the left, then in column n from the top. None below one match."""
    end, end_score = None, None
    last = table.score.get(m, {})
    for j in sorted(last):
        if end_score is None or last[j] > end_score:
            end, end_score = (m, j), last[j]
    for i in sorted(table.score):
        if i == m:
            continue
        score = table.score[i].get(n)
        if score is not None and (end_score is None or score > end_score):
            end, end_score = (i, n), score
    if end_score is None or end_score < _MATCH_WEIGHT:
        return None
    return end


def _trace(P: list[Token], W: list[Token], moves: dict[int, dict[int, int]], end: tuple[int, int]) -> Alignment:
    i, j = end
    witness_skipped = len(W) - j
    # the hanging suffix of the garbled text, kept as it is
    tail = [(t, None) for t in P[i:]]
    counts = {"hanging": sum(1 for t in P[i:] if not t.is_gap), "matches": 0, "matched_cjk": 0, "absorbed": 0,
              "witness_skipped": witness_skipped}
    out = _walk_back(P, W, moves, i, j, counts)
    out.reverse()
    out.extend(tail)
    tokens, spans = _restored(W, out)
    return Alignment(tokens=tokens, matches=counts["matches"], matched_cjk=counts["matched_cjk"],
                     absorbed=counts["absorbed"], hanging=counts["hanging"], restored=sum(len(s.text) for s in spans),
                     spans=spans, witness_skipped=counts["witness_skipped"])


def _walk_back(P: list[Token], W: list[Token], moves: dict[int, dict[int, int]], i: int, j: int,
               counts: dict[str, int]) -> list[tuple[Token, Optional[int]]]:
    """The moves from the end state back to the start: each output token (reversed) with the
    witness index it came from."""
    out: list[tuple[Token, Optional[int]]] = []
    while True:
        code = moves[i][j]
        if code == _START_SKIP:
            counts["witness_skipped"] += j
            return out
        if code == _START_HANG:
            counts["hanging"] += sum(1 for t in P[:i] if not t.is_gap)
            out.extend((t, None) for t in reversed(P[:i]))
            return out
        if code in (_MATCH, _BOTH):
            i, j = i - 1, j - 1
            if code == _MATCH:
                counts["matches"] += 1
                counts["matched_cjk"] += is_cjk(P[i].char)
                out.append((P[i], None))
            else:
                out.append((Token(gap=_merge_kind(P[i].gap, W[j].gap), offset=P[i].offset), None))
        elif code == _P_ABSORBS:
            j -= 1
            if W[j].is_gap:
                out.append((Token(gap=_merge_kind(P[i].gap, W[j].gap), offset=P[i].offset), None))
            else:
                out.append((Token(char=W[j].char, offset=-1), j))
        elif code == _W_ABSORBS:
            i -= 1
            if P[i].is_gap:
                out.append((Token(gap=_merge_kind(P[i].gap, W[j].gap), offset=P[i].offset), None))
            else:
                counts["absorbed"] += 1
                out.append((P[i], None))
        elif code == _P_CLOSE:
            i -= 1
        elif code == _W_CLOSE:
            j -= 1


def _restored(W: list[Token], out: list[tuple[Token, Optional[int]]]) -> tuple[list[Token], list[RestoredSpan]]:
    """The output tokens (neighbouring gaps merged) and the spans restored from the witness."""
    tokens: list[Token] = []
    spans: list[RestoredSpan] = []
    for token, witness_index in out:
        if token.is_gap and tokens and tokens[-1].is_gap:
            merged = _merge_kind(tokens[-1].gap, token.gap)
            tokens[-1] = Token(gap=merged, offset=tokens[-1].offset)
            continue
        if witness_index is not None:
            w = W[witness_index]
            if spans and spans[-1].end == len(tokens) and witness_index_is_next(spans[-1], w):
                spans[-1].end += 1
                spans[-1].text += w.char
            else:
                spans.append(RestoredSpan(len(tokens), len(tokens) + 1, w.offset, w.char))
        tokens.append(token)
    return tokens, spans


def witness_index_is_next(span: RestoredSpan, token: Token) -> bool:
    """Restored characters form one span when they are adjacent in the witness too."""
    return token.offset == span.witness_offset + len(span.text)
