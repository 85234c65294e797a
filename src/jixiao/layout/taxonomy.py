"""Standard vocabularies: the indicator taxonomy, operators and units.

Matching is by *longest common prefix* because narrow cells are clipped, never
re-ordered: "可持续影响指" is the first six characters of "可持续影响指标".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Optional

from .vocabulary_file import builtin

# The national taxonomy, operators, units and set phrases are data (vocabulary.toml); these constants are
# the built-in vocabulary's. Code that must follow a user's vocabulary asks vocabulary_file.current().
_BUILTIN = builtin()
LEVEL2_BY_LEVEL1: dict[str, tuple[str, ...]] = dict(_BUILTIN.taxonomy)
LEVEL1_NAMES: tuple[str, ...] = tuple(LEVEL2_BY_LEVEL1)
# Other forms' words for a 一级 group (Guangdong's 批复表: 预期产出指标 / 效果指标); printed as they are,
# read as the canonical group for alignment and the 二级 names under it.
LEVEL1_ALIASES: dict[str, str] = {name: _BUILTIN.categories[name] for name in _BUILTIN.level1
                                  if name in _BUILTIN.categories}
ALL_LEVEL2: tuple[str, ...] = tuple(dict.fromkeys(n for ns in LEVEL2_BY_LEVEL1.values() for n in ns))

# Full-width and two-character spellings seen in filings, mapped to one canonical form.
OPERATOR_ALIASES: dict[str, str] = dict(_BUILTIN.operators)
OPERATOR_PATTERN = "|".join(
    re.escape(alias) for alias in sorted(OPERATOR_ALIASES, key=len, reverse=True)
)

COMMON_UNITS: tuple[str, ...] = _BUILTIN.units
# How a unit is written in the output: only the width of the percent sign is normalised. 百分比 and
# 百分率 are units too (is_unit knows them) but stay as printed: the output never rewrites a filer's word.
UNIT_ALIASES: dict[str, str] = {"％": "%"}
SPELLED_PERCENT = ("百分比", "百分率")

# Qualitative targets (定性 指标值) printed as a set phrase: '有所'/'稳步' and the change hoped for. In a row run
# together with no separator they mark where the 三级 name ends and the value begins.
QUALITATIVE_TARGETS: tuple[str, ...] = _BUILTIN.qualitative

EMPTY_MARKERS = frozenset({"/", "／", "", "\\"})


@dataclass(frozen=True)
class VocabularyMatch:
    """A vocabulary entry recognised at the start of a string."""

    canonical: str
    matched: str  # the characters of the input that matched (a prefix of canonical)

    @property
    def clipped(self) -> bool:
        return self.matched != self.canonical


def _common_prefix_length(a: str, b: str) -> int:
    n = 0
    for x, y in zip(a, b):
        if x != y:
            break
        n += 1
    return n


def match_prefix(
    text: str, vocabulary: tuple[str, ...], *, min_clipped: int = 4
) -> Optional[VocabularyMatch]:
    """Recognise the vocabulary entry that ``text`` starts with, possibly clipped.

    An entry matches when ``text`` starts with the whole entry, or with at least
    ``min_clipped`` of its leading characters (a clipped cell). The longest match
    wins; a tie between two entries is ambiguous and returns None, because a
    guess here would put a wrong canonical name in the output.
    """
    best: list[VocabularyMatch] = []
    best_len = 0
    for entry in vocabulary:
        n = _common_prefix_length(text, entry)
        if n < len(entry) and n < min(min_clipped, len(entry)):
            continue
        if n == 0:
            continue
        if n > best_len:
            best, best_len = [VocabularyMatch(entry, text[:n])], n
        elif n == best_len:
            best.append(VocabularyMatch(entry, text[:n]))
    if not best:
        return None
    full = [m for m in best if not m.clipped]
    if len(full) == 1:
        return full[0]
    if len(best) == 1:
        return best[0]
    return None


def normalise_operator(text: Optional[str]) -> Optional[str]:
    """Map an operator spelling to its canonical form; None when it is not one."""
    if text is None:
        return None
    return OPERATOR_ALIASES.get(text.strip().replace(" ", ""))


def normalise_unit(text: Optional[str]) -> Optional[str]:
    if text is None:
        return None
    stripped = text.strip()
    return UNIT_ALIASES.get(stripped, stripped)


def is_empty_marker(text: Optional[str]) -> bool:
    """A "/" (or an empty cell) means the filing left the value empty."""
    return text is None or text.strip() in EMPTY_MARKERS
