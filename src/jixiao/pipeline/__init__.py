"""Orchestration: joiner, batch conversion and the command line.

``from jixiao.pipeline import convert`` is the Python API. Its names are imported on first use
(issue 22): ``jixiao --version`` and the other commands import only what they run.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .options import ConvertOptions, OptionsError
    from .runner import Result, convert

_WHERE = {"ConvertOptions": ".options", "OptionsError": ".options", "Result": ".runner", "convert": ".runner"}

__all__ = ["ConvertOptions", "OptionsError", "Result", "convert"]


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(_WHERE[name], __name__), name)
    globals()[name] = value  # once imported, an attribute like any other
    return value
