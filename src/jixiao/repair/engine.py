"""Restore truncated text from repeated passages, and never invent a character.

``repair_text`` works like a RapidFuzz scorer: it takes the garbled string and
an index, and returns a :class:`Repair` or None when no witness reaches
``score_cutoff``. ``repair_field`` always returns a field with status,
confidence, evidence and flags, which is what the pipeline stores.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

from ..model import GAP, Candidate, Evidence, FieldStatus, Provenance, RepairedField
from .acceptance import (
    SLOT_SCORE,
    compatible,
    may_anchor,
    visible_text,
    score_alignment,
    shape_score,
    slot_level,
    slot_score,
)
from .align import Alignment, align, is_ambiguous
from .damage import SOFT, Garbled, Token, evidently_clipped, parse_garbled, render
from .index import Passage, PassageRef, Trust, column_of, effective_trust
from .sources import WitnessSource

CONFLICT_MARGIN = 0.15  # how much better the best witness must be than a conflicting one

@dataclass
class Witnessed:
    """One candidate passage aligned against the garbled text."""

    passage: Passage
    ref: PassageRef
    alignment: Alignment
    score: float
    trust: Trust
    slot: int = 0  # 2: the same department's same header item; 1: a department of the same kind's

    @property
    def rank(self) -> tuple[int, int]:
        """Lower is more trusted: the filing itself, then the same slot elsewhere, then the rest."""
        return int(self.trust), -self.slot


@dataclass
class Repair:
    """The restored reading of a garbled string."""

    text: str  # with one □ per remaining gap; a possibly clipped end is not marked
    tokens: list[Token]
    evidence: list[Evidence]
    score: float  # the weakest accepted witness's score, 0-1
    restored: int  # characters restored
    gaps_before: int
    gaps_after: int
    possibly_clipped: bool
    candidates: list[Candidate] = field(default_factory=list)
    ambiguous: bool = False


def _evidence_for(ref: PassageRef, offset: int, text: str) -> Evidence:
    kind = {0: "passage", 1: "passage", 2: "decision", 3: "memory", 4: "reference"}[int(ref.trust)]
    return Evidence(kind=kind, source=ref.source, filing=ref.filing, field=ref.field,
                    offset=offset, text=text)


def _gap_count(tokens: list[Token]) -> int:
    return sum(1 for k, t in enumerate(tokens) if t.is_gap and t.gap != SOFT
               and not (k and tokens[k - 1].is_gap))


def repair_text(
    garbled: str,
    index: WitnessSource,
    *,
    score_cutoff: float = 0.8,
    at_capacity: Optional[bool] = None,
    exclude: Optional[PassageRef] = None,
    filing: Optional[str] = None,
    limit: int = 16,
    unusual_ending: bool = False,
) -> Optional[Repair]:
    """Restore a garbled string from the passages in ``index`` (any :class:`~.sources.WitnessSource`).

    Returns None when the string shows no damage or no witness restores
    anything with a score of at least ``score_cutoff``. A near-tie between
    witnesses that disagree is not a repair: the result is then ambiguous,
    restores nothing and lists both candidates.
    """
    parsed = parse_garbled(garbled, at_capacity=at_capacity, unusual_ending=unusual_ending)
    if not any(t.is_gap for t in parsed.tokens):
        return None
    options = dict(index=index, score_cutoff=score_cutoff, exclude=exclude, filing=filing, limit=limit)
    if parsed.tokens[-1].gap == SOFT and not evidently_clipped(parsed):
        # A cell that merely filled its width may be complete. Only the same
        # filer's same column (its indicator name in another year) may extend
        # it; anything else may only fill its inner gaps.
        same_column = _restore(parsed, **options, ref_filter=lambda r: _same_filer_column(r, exclude))
        if same_column is not None and same_column.restored:
            return same_column
        inner = Garbled(raw=parsed.raw, tokens=parsed.tokens[:-1], damage=parsed.damage)
        if not any(t.is_gap for t in inner.tokens):
            return same_column
        result = _restore(inner, **options)
        if result is not None:
            result.possibly_clipped = True
        return result
    return _restore(parsed, **options)


def _same_filer_column(ref: PassageRef, exclude: Optional[PassageRef]) -> bool:
    return (exclude is not None and ref.group is not None and ref.group == exclude.group
            and column_of(ref.field) == column_of(exclude.field))


MAX_ROUNDS = 3  # re-queries with the text restored so far, which has more bigrams to find witnesses by


def _restore(parsed: Garbled, *, index, score_cutoff: float, exclude: Optional[PassageRef],
             filing: Optional[str], limit: int, ref_filter=None) -> Optional[Repair]:
    tokens = parsed.tokens
    evidence: list[Evidence] = []
    used_scores: list[float] = []
    candidates: list[Candidate] = []
    tried: set[str] = set()
    for _ in range(MAX_ROUNDS):
        current = Garbled(raw=parsed.raw, tokens=tokens, damage=parsed.damage)
        witnessed = _witnesses(current, parsed, index, score_cutoff=score_cutoff, exclude=exclude,
                               filing=filing, limit=limit, tried=tried, ref_filter=ref_filter)
        if not witnessed:
            break
        accepted, conflicts = _split_conflicts(witnessed)
        if conflicts:
            candidates = [_candidate(w) for w in [accepted[0], *conflicts]]
            extends_tail = bool(tokens) and tokens[-1].gap == SOFT
            if not _clearly_better(accepted[0], conflicts, extends_tail=extends_tail):
                if evidence:
                    break  # keep what earlier rounds restored unambiguously
                return Repair(text=render(tokens), tokens=tokens, evidence=[], score=witnessed[0].score,
                              restored=0, gaps_before=_gap_count(parsed.tokens), gaps_after=_gap_count(tokens),
                              possibly_clipped=any(t.gap == SOFT for t in tokens), candidates=candidates,
                              ambiguous=True)
        progressed = False
        for witness in accepted:
            alignment = witness.alignment if witness is accepted[0] else align(tokens, witness.passage.tokens)
            if alignment is None or alignment.ambiguous or alignment.restored == 0:
                continue
            tokens = list(alignment.tokens)
            for span in alignment.spans:
                evidence.append(_evidence_for(witness.ref, span.witness_offset, span.text))
                origin = len(evidence) - 1
                for k in range(span.start, span.end):
                    tokens[k] = Token(char=tokens[k].char, offset=-1, origin=origin)
            used_scores.append(witness.score)
            progressed = True
            if not any(t.is_gap for t in tokens):
                break
        if not progressed or not any(t.is_gap for t in tokens):
            break
    if not evidence:
        return None
    text, evidence = _render_with_spans(tokens, evidence)
    return Repair(
        text=text, tokens=tokens, evidence=evidence, score=min(used_scores),
        restored=sum(len(e.text) for e in evidence), gaps_before=_gap_count(parsed.tokens),
        gaps_after=_gap_count(tokens), possibly_clipped=any(t.gap == SOFT for t in tokens),
        candidates=candidates,
    )


def _split_conflicts(witnessed: list[Witnessed]) -> tuple[list[Witnessed], list[Witnessed]]:
    best = witnessed[0]
    accepted, conflicts = [best], []
    for other in witnessed[1:]:
        (accepted if compatible(best.alignment.tokens, other.alignment.tokens) else conflicts).append(other)
    return accepted, conflicts


def _clearly_better(best: Witnessed, conflicts: list[Witnessed], *, extends_tail: bool) -> bool:
    """Whether the best witness wins over every witness that restores differently.

    A clear score margin settles a conflict, and so does a closer slot (the
    same department's same item). The filing's own passages outrank the
    batch too (explanations repeat the goals), but not when the conflict is
    about how a clipped end continues: another row of the same filing that
    shares a prefix ("…超过1%扣1分" against "…超过指标不得分") is a
    different passage, not better evidence.
    """
    strongest = min(conflicts, key=lambda w: (-w.score, w.rank))
    if best.score - strongest.score >= CONFLICT_MARGIN:
        return True
    if best.score < strongest.score:
        return False
    if best.slot > strongest.slot:
        return True
    return not extends_tail and best.trust is Trust.FILING and strongest.trust is not Trust.FILING


def _witnesses(current: Garbled, original: Garbled, index, *, score_cutoff: float,
               exclude: Optional[PassageRef], filing: Optional[str], limit: int, tried: set[str],
               ref_filter=None) -> list[Witnessed]:
    """Candidates that restore something in ``current``, scored against the original damage."""
    found = []
    raw = original.raw.strip()
    visible = visible_text(current)
    pool = list(index.candidates(current, limit=limit))
    if exclude is not None:
        # short items ("负 ，规 。") share only common bigrams: ask for the same slot directly
        pool += index.slot_candidates(exclude)
    for passage in pool:
        if passage.text == raw or passage.text in tried:
            continue  # the same truncation again restores nothing
        refs = [r for r in passage.refs if r != exclude and (ref_filter is None or ref_filter(r))]
        if not refs:
            continue
        if not may_anchor(current, passage, score_cutoff=score_cutoff, visible=visible):
            continue  # no alignment with it could be accepted: not worth computing
        alignment = align(current.tokens, passage.tokens, check_ambiguity=False)
        if alignment is None or alignment.restored == 0:
            continue
        ref = min(refs, key=lambda r: (effective_trust(r, filing), -slot_level(r, exclude), r.source, r.field))
        score = max(score_alignment(alignment, current), shape_score(alignment, current))
        if score < score_cutoff:
            slot_refs = [r for r in refs if slot_score(alignment, current, r, exclude) >= score_cutoff]
            if not slot_refs:
                continue
            ref, score = slot_refs[0], SLOT_SCORE
        if is_ambiguous(current.tokens, passage.tokens, alignment):
            continue
        tried.add(passage.text)
        found.append(Witnessed(passage, ref, alignment, score, effective_trust(ref, filing),
                               slot_level(ref, exclude)))
    # most trusted first, then best scored, then the one restoring most
    found.sort(key=lambda w: (w.rank, -w.score, -w.alignment.restored, w.passage.text))
    return found


def _candidate(witness: Witnessed) -> Candidate:
    return Candidate(
        text=render(witness.alignment.tokens),
        score=witness.score,
        evidence=[_evidence_for(witness.ref, s.witness_offset, s.text) for s in witness.alignment.spans],
    )


def _render_with_spans(tokens: list[Token], evidence: list[Evidence]) -> tuple[str, list[Evidence]]:
    """Render tokens and attach to each evidence item its span in the final text."""
    out: list[str] = []
    spans: dict[int, list[int]] = {}
    for token in tokens:
        if token.is_gap:
            if token.gap == SOFT or (out and out[-1] == GAP):
                continue
            out.append(GAP)
            continue
        if token.origin is not None:
            position = len(out)
            span = spans.setdefault(token.origin, [position, position])
            span[1] = position + 1
        out.append(token.char)
    placed = [e.model_copy(update={"span": tuple(spans[k])}) for k, e in enumerate(evidence) if k in spans]
    return "".join(out), placed


MAX_REPAIR_CHARS = 4000
"""Cells longer than this are neither repaired nor used as witnesses (real cells stay under ~500)."""


def repair_field(
    raw: Optional[str],
    index: Optional[WitnessSource],
    *,
    at_capacity: Optional[bool] = None,
    exclude: Optional[PassageRef] = None,
    filing: Optional[str] = None,
    provenance: Optional[Provenance] = None,
    score_cutoff: float = 0.8,
) -> RepairedField:
    """Repair one free-text field and describe the outcome for the clerk."""
    if raw is None or raw.strip() in ("", "/", "／"):
        return RepairedField(value=None, raw=raw, status=FieldStatus.INTACT, confidence=1.0,
                             provenance=provenance)
    if len(raw) > MAX_REPAIR_CHARS:
        # Alignment is quadratic: a 200,000-character cell (a hostile or broken file)
        # would take minutes. No real cell comes near this; keep it as read and flag it.
        return RepairedField(value=raw.strip(), raw=raw, status=FieldStatus.UNREPAIRED, confidence=0.4,
                             flags=["too_long"], provenance=provenance)
    unusual = bool(index is not None and exclude is not None
                   and index.unusual_ending(column_of(exclude.field), raw))
    parsed = parse_garbled(raw, at_capacity=at_capacity, unusual_ending=unusual)
    if not any(t.is_gap for t in parsed.tokens):
        return RepairedField(value=raw.strip(), raw=raw, status=FieldStatus.INTACT, confidence=1.0,
                             provenance=provenance)
    result = None
    if index is not None:
        result = repair_text(raw, index, score_cutoff=score_cutoff, at_capacity=at_capacity,
                             exclude=exclude, filing=filing, unusual_ending=unusual)
    gaps_before = _gap_count(parsed.tokens)
    if result is None or result.restored == 0:
        flags = []
        if gaps_before:
            flags.append("gap")
        if any(t.gap == SOFT for t in parsed.tokens):
            flags.append("possibly_clipped")
        if result is not None and result.ambiguous:
            flags.append("ambiguous")
        return RepairedField(
            value=render(parsed.tokens).strip(), raw=raw, status=FieldStatus.UNREPAIRED,
            confidence=0.1 if gaps_before else 0.4, flags=flags,
            candidates=result.candidates if result else [], provenance=provenance,
        )
    flags = []
    if result.gaps_after:
        flags.append("gap")
    if result.possibly_clipped:
        flags.append("possibly_clipped")
    if result.gaps_after:
        status = FieldStatus.PARTIAL
        filled = 1 - result.gaps_after / max(gaps_before, 1)
        confidence = 0.3 + 0.3 * max(filled, 0.0)
    else:
        status = FieldStatus.REPAIRED
        confidence = 0.5 + 0.5 * result.score
        if result.possibly_clipped:
            confidence = min(confidence, 0.6)
    return RepairedField(
        value=result.text.strip(), raw=raw, status=status, confidence=round(confidence, 4),
        evidence=result.evidence, candidates=result.candidates, flags=flags, provenance=provenance,
    )
