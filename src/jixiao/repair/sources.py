"""Witness sources: where repair looks for the passages that restore a garbled field.

Every source of evidence (the batch's :class:`~.index.PassageIndex`, the
persistent :class:`~.memory.RepairMemory`, the reference documents' index)
answers the same three questions, the :class:`WitnessSource` protocol.
:class:`CombinedIndex` asks them of each source in its named slot, most
trusted first, and is itself a WitnessSource, so ``repair_text`` and
``repair_field`` take either one source or the combination.

A new kind of evidence is a class with these three methods, plus a slot here
(issue 11, item 8).
"""

from __future__ import annotations

from typing import Optional, Protocol, runtime_checkable

from .damage import Garbled
from .index import Passage, PassageRef


@runtime_checkable
class WitnessSource(Protocol):
    """Passages that may witness a garbled field."""

    def candidates(self, garbled: Garbled, *, limit: int = 12) -> list[Passage]:
        """The passages sharing the most informative bigrams with ``garbled``, best first."""

    def slot_candidates(self, ref: PassageRef) -> list[Passage]:
        """Passages standing in the same header slot (duties[3], goals[1]) of same-kind departments."""

    def unusual_ending(self, column: str, text: Optional[str]) -> bool:
        """Whether ``text`` ends the way cells of ``column`` rarely do (a sign it was cut off);
        False when the source does not know the column's endings."""


class CombinedIndex:
    """The batch index, the repair memory and the references, queried as one WitnessSource.

    The slots are named, so what each source is for is explicit: only the batch
    teaches how a column's cells end; every source offers candidates and slot
    candidates; the repair memory also holds the clerks' decisions.
    """

    def __init__(self, batch: Optional[WitnessSource] = None, memory: Optional[WitnessSource] = None,
                 references: Optional[WitnessSource] = None) -> None:
        self.batch = batch
        self.memory = memory
        self.references = references

    @property
    def sources(self) -> list[WitnessSource]:
        """The sources present, most trusted first."""
        return [s for s in (self.batch, self.memory, self.references) if s is not None]

    def unusual_ending(self, column: str, text: Optional[str]) -> bool:
        # the batch's own cells are the profile; the memory and references mix other batches' habits
        return self.batch is not None and self.batch.unusual_ending(column, text)

    def slot_candidates(self, ref: PassageRef) -> list[Passage]:
        return [passage for source in self.sources for passage in source.slot_candidates(ref)]

    def candidates(self, garbled: Garbled, *, limit: int = 12) -> list[Passage]:
        found: dict[str, Passage] = {}
        for source in self.sources:
            for passage in source.candidates(garbled, limit=limit):
                known = found.get(passage.text)
                if known is None:  # a copy: the sources' own passages stay untouched
                    found[passage.text] = Passage(id=passage.id, text=passage.text, refs=list(passage.refs),
                                                  _garbled=passage._garbled)
                else:
                    known.refs.extend(r for r in passage.refs if r not in known.refs)
        return list(found.values())
