"""Shared fixtures."""

from __future__ import annotations

import pytest

from helpers import ROOT


@pytest.fixture
def in_root(monkeypatch):
    """Run with the repository root as working directory, so sources read 'samples/…'."""
    monkeypatch.chdir(ROOT)
    return ROOT
