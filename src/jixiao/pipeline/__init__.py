"""Orchestration: joiner, batch conversion and the command line.

``from jixiao.pipeline import convert`` is the Python API.
"""

from .runner import Result, convert

__all__ = ["Result", "convert"]
