"""Orchestration: joiner, batch conversion and the command line.

``from jixiao.pipeline import convert`` is the Python API. It is loaded lazily
so that every stage can import the shared data model from here without a cycle.
"""

from typing import Any

__all__ = ["ConvertOptions", "OptionsError", "Result", "convert"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        import importlib

        _convert_module = importlib.import_module(".runner", __name__)

        return getattr(_convert_module, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
