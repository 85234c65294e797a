"""Orchestration: joiner, batch conversion and the command line.

``from jixiao.pipeline import convert`` is the Python API.
"""

from .options import ConvertOptions, OptionsError
from .runner import Result, convert

__all__ = ["ConvertOptions", "OptionsError", "Result", "convert"]
