"""The standard vocabularies now live in the layout vocabulary (:mod:`jixiao.layout.taxonomy`)."""

from ..layout.taxonomy import (  # noqa: F401
    ALL_LEVEL2,
    COMMON_UNITS,
    EMPTY_MARKERS,
    LEVEL1_NAMES,
    LEVEL2_BY_LEVEL1,
    OPERATOR_ALIASES,
    OPERATOR_PATTERN,
    UNIT_ALIASES,
    VocabularyMatch,
    is_empty_marker,
    match_prefix,
    normalise_operator,
    normalise_unit,
)
