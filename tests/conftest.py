"""Shared fixtures."""

from __future__ import annotations

import os
import tempfile

import pytest

# Never touch the user's repair memory from a test run: a fresh store per session.
os.environ["JIXIAO_MEMORY"] = os.path.join(tempfile.mkdtemp(prefix="jixiao-test-"), "memory.sqlite")

from helpers import ROOT


@pytest.fixture
def in_root(monkeypatch):
    """Run with the repository root as working directory, so sources read 'samples/…'."""
    monkeypatch.chdir(ROOT)
    return ROOT
