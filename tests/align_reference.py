"""The repair's alignment DP as it was before issue 22, kept verbatim as the oracle of
tests/test_align_equivalence.py: the faster alignment must give the very same result, move for move.
Only the imports are new; the original traced its best end with ``jixiao.repair.align._trace``."""

from __future__ import annotations

from typing import Optional

from jixiao.model.text import is_cjk
from jixiao.repair.align import Alignment
from jixiao.repair.damage import HARD, LOOSE, SOFT, TERMINAL_PUNCTUATION, Token

# move codes kept in the back-pointer table
_START_SKIP, _START_HANG, _MATCH, _P_ABSORBS, _W_ABSORBS, _P_CLOSE, _W_CLOSE, _BOTH = range(8)
_NEG = float("-inf")
_MATCH_WEIGHT = 10_000


_CHAR, _HARD, _LOOSE, _SOFT = 0, 1, 2, 3
_GAP_CODES = {None: _CHAR, HARD: _HARD, LOOSE: _LOOSE, SOFT: _SOFT}


def _codes(tokens: list[Token]) -> tuple[list[int], list[Optional[str]], list[bool], list[bool]]:
    """Per token: gap code, character, is Chinese, is terminal punctuation (computed once)."""
    kinds = [_GAP_CODES[t.gap] for t in tokens]
    chars = [t.char for t in tokens]
    cjk = [c is not None and is_cjk(c) for c in chars]
    terminal = [c is not None and c in TERMINAL_PUNCTUATION for c in chars]
    return kinds, chars, cjk, terminal


def align_once(P: list[Token], W: list[Token], *, prefer_more: bool) -> Optional[Alignment]:
    m, n = len(P), len(W)
    if m == 0 or n == 0:
        return None
    width = n + 1
    size = (m + 1) * width
    score = [_NEG] * size
    move = [0] * size
    tie = 1 if prefer_more else -1
    p_kind, p_char, p_cjk, p_term = _codes(P)
    w_kind, w_char, w_cjk, w_term = _codes(W)

    for j in range(n + 1):
        # the garbled text starts at a run boundary of the witness, never inside a run:
        # "产 ，" is the start of a run, so it cannot be the second 产 of "产产，"
        if 0 < j < n and w_cjk[j - 1] and w_cjk[j]:
            continue
        score[j] = 0.0
        move[j] = _START_SKIP
    for i in range(1, m + 1):
        # likewise the witness starts at a run boundary of the garbled text: "产 " cannot
        # hang before a witness whose first run "作产" would then continue it
        if i < m and p_cjk[i - 1] and (p_cjk[i] or p_kind[i] != _CHAR):
            continue
        score[i * width] = 0.0
        move[i * width] = _START_HANG

    for i in range(m + 1):
        last_p = i == m
        pk = p_kind[i] if not last_p else -1
        pc = p_char[i] if not last_p else None
        p_is_cjk = p_cjk[i] if not last_p else False
        p_is_term = p_term[i] if not last_p else False
        base = i * width
        for j in range(n + 1):
            k = base + j
            s = score[k]
            if s == _NEG:
                continue
            # a SOFT gap that just swallowed the witness's sentence end is finished
            soft_done = (pk == _SOFT and move[k] == _P_ABSORBS and j > 0
                         and w_kind[j - 1] == _CHAR and w_term[j - 1])
            if last_p:
                continue
            if j == n:
                if soft_done and s > score[k + width]:
                    score[k + width] = s
                    move[k + width] = _P_CLOSE
                continue
            wk = w_kind[j]
            if pk == _CHAR:
                if wk == _CHAR:
                    if pc == w_char[j]:
                        t = k + width + 1
                        if s + _MATCH_WEIGHT > score[t]:
                            score[t] = s + _MATCH_WEIGHT
                            move[t] = _MATCH
                else:
                    # the witness gap swallows this character, or ends before it
                    if wk == _SOFT or (wk == _HARD and p_is_cjk) or (wk == _LOOSE and not p_is_term):
                        t = k + width
                        if s > score[t]:
                            score[t] = s
                            move[t] = _W_ABSORBS
                    if wk == _SOFT or (wk == _HARD and not p_is_cjk) or wk == _LOOSE:
                        t = k + 1
                        if s > score[t]:
                            score[t] = s
                            move[t] = _W_CLOSE
                continue
            # the garbled side is a gap
            if wk != _CHAR:
                # a SOFT end only ever absorbs: it must run on to the sentence end
                if pk != _SOFT or wk == _SOFT:
                    t = k + width + 1
                    if s > score[t]:
                        score[t] = s
                        move[t] = _BOTH
                if not soft_done:
                    t = k + 1
                    if s > score[t]:
                        score[t] = s
                        move[t] = _P_ABSORBS
                if pk != _SOFT:
                    t = k + width
                    if s > score[t]:
                        score[t] = s
                        move[t] = _W_ABSORBS
                if wk == _SOFT:
                    t = k + 1
                    if s > score[t]:
                        score[t] = s
                        move[t] = _W_CLOSE
                continue
            w_is_cjk = w_cjk[j]
            if not soft_done and (pk == _SOFT or (pk == _HARD and w_is_cjk) or (pk == _LOOSE and not w_term[j])):
                t = k + 1
                if s + tie > score[t]:
                    score[t] = s + tie
                    move[t] = _P_ABSORBS
            if soft_done or (pk == _HARD and not w_is_cjk) or pk == _LOOSE:
                t = k + width
                if s > score[t]:
                    score[t] = s
                    move[t] = _P_CLOSE

    # end states: the garbled text is used up, or the witness is
    end, end_score = -1, _NEG
    for j in range(n + 1):
        k = m * width + j
        if score[k] > end_score:
            end, end_score = k, score[k]
    for i in range(m):
        k = i * width + n
        if score[k] > end_score:
            end, end_score = k, score[k]
    if end < 0 or end_score < _MATCH_WEIGHT:
        return None
    return _trace_table(P, W, move, end, width)


def _trace_table(P: list[Token], W: list[Token], move: list[int], end: int, width: int) -> Alignment:
    i, j = divmod(end, width)
    witness_skipped = len(W) - j
    out: list[tuple[Token, Optional[int]]] = []  # token and witness index it came from
    # the hanging suffix of the garbled text, kept as it is
    tail = [(t, None) for t in P[i:]]
    hanging = sum(1 for t in P[i:] if not t.is_gap)
    matches = matched_cjk = absorbed = 0
    while True:
        code = move[i * width + j]
        if code == _START_SKIP:
            witness_skipped += j
            break
        if code == _START_HANG:
            hanging += sum(1 for t in P[:i] if not t.is_gap)
            out.extend((t, None) for t in reversed(P[:i]))
            break
        if code == _MATCH:
            i, j = i - 1, j - 1
            matches += 1
            matched_cjk += is_cjk(P[i].char)
            out.append((P[i], None))
        elif code == _BOTH:
            i, j = i - 1, j - 1
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
                absorbed += 1
                out.append((P[i], None))
        elif code == _P_CLOSE:
            i -= 1
        elif code == _W_CLOSE:
            j -= 1
    out.reverse()
    out.extend(tail)

    tokens: list[Token] = []
    spans: list[RestoredSpan] = []
    for token, witness_index in out:
        if token.is_gap and tokens and tokens[-1].is_gap:
            merged = _merge_kind(tokens[-1].gap, token.gap)
            tokens[-1] = Token(gap=merged, offset=tokens[-1].offset)
            continue
        if witness_index is not None:
            w = W[witness_index]
            if spans and spans[-1].end == len(tokens) and w.offset == spans[-1].witness_offset + len(spans[-1].text):
                spans[-1].end += 1
                spans[-1].text += w.char
            else:
                spans.append(_span(len(tokens), len(tokens) + 1, w.offset, w.char))
        tokens.append(token)
    restored = sum(len(s.text) for s in spans)
    return Alignment(tokens=tokens, matches=matches, matched_cjk=matched_cjk, absorbed=absorbed,
                     hanging=hanging, restored=restored, spans=spans, witness_skipped=witness_skipped)




def _span(start, end, offset, text):
    from jixiao.repair.align import RestoredSpan

    return RestoredSpan(start, end, offset, text)


def _merge_kind(a: str, b: str) -> str:
    for kind in (HARD, LOOSE, SOFT):
        if kind in (a, b):
            return kind
    return LOOSE
