"""Shared fixtures."""

from __future__ import annotations

import os
import tempfile

import pytest

# Never touch the user's repair memory from a test run: a fresh store per session.
_PRIVATE = tempfile.mkdtemp(prefix="jixiao-test-")
os.environ["JIXIAO_MEMORY"] = os.path.join(_PRIVATE, "memory.sqlite")
# nor the user's cache key (OUT/.cache entries are signed with it): one for the session
os.environ["JIXIAO_CACHE_KEY"] = os.path.join(_PRIVATE, "cache.key")

from helpers import ROOT


@pytest.fixture
def in_root(monkeypatch):
    """Run with the repository root as working directory, so sources read 'samples/…'."""
    monkeypatch.chdir(ROOT)
    return ROOT
