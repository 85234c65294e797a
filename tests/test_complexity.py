"""The complexity cap (tools/complexity.py): no function above 30 but those on the baseline, which
only shrinks. .ci/run runs the same check; this test makes `make test` say it first."""

from __future__ import annotations

import complexity


def test_no_function_grows_past_the_cap_and_the_baseline_only_shrinks():
    assert complexity.offences() == []


def test_a_function_past_the_cap_is_named(tmp_path, monkeypatch):
    package = tmp_path / "src" / "jixiao"
    package.mkdir(parents=True)
    branches = "\n".join(f"    if x == {k}:\n        return {k}" for k in range(35))
    (package / "big.py").write_text(f"def big(x):\n{branches}\n    return -1\n", encoding="utf-8")
    monkeypatch.setattr(complexity, "ROOT", tmp_path)
    monkeypatch.setattr(complexity, "PACKAGE", package)
    monkeypatch.setattr(complexity, "BASELINE", tmp_path / "baseline.txt")
    assert complexity.offences() == ["src/jixiao/big.py:big has complexity 36 (cap 30): split it into "
                                     "functions a reader can hold"]
