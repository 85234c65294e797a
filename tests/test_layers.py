"""The import contract: every package of jixiao imports only from the layers below it.

Layers, bottom to top (ARCHITECTURE, "Layers"):

1. ``model`` (the shared data model: grids, filings, records, reading reports, errors);
2. ``layout`` (the table vocabulary, as data: it raises the model's errors);
3. ``extractors`` (a source → grids), ``repair`` (text + witnesses → repaired text)
   and ``output`` (sinks that write model objects): none imports another;
4. ``reader``: any grid → a filing of rows, through inspectable steps;
5. ``pipeline``: the joiner, batch runner, engines, the CLI;
6. ``review``: the clerks' app and its decision log.

The root package (``jixiao/__init__.py``: the version) is below everything.
Every import is read with ``ast`` (lazy imports inside functions and
``TYPE_CHECKING`` blocks count too), so a new cycle fails here, naming the
module and the import.
"""

from __future__ import annotations

import ast
from pathlib import Path
from typing import NamedTuple

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "jixiao"

LAYERS: list[set[str]] = [
    {"model"},
    {"layout"},
    {"extractors", "repair", "output"},
    {"reader"},
    {"pipeline"},
    {"review"},
]

ENTRY_POINTS = {
    # The command line's front door: `jixiao review` starts the review server, so this one
    # module may import every layer. Nothing imports it back (checked below).
    "jixiao.pipeline.cli": "the `jixiao` command dispatches to every stage, review included",
}


def _layer_of(package: str) -> int:
    if package == "":
        return -1  # jixiao/__init__.py: __version__ only
    for level, packages in enumerate(LAYERS):
        if package in packages:
            return level
    raise AssertionError(f"package jixiao.{package} is in no layer: add it to LAYERS in {__file__}")


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imports(path: Path) -> list[tuple[int, str]]:
    """(line, absolute module) for every import of jixiao in one file."""
    module = _module_name(path)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names if alias.name.split(".")[0] == "jixiao"]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[:len(base) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if target.split(".")[0] != "jixiao":
                continue
            if node.module is None or not node.level and node.module == "jixiao":
                # "from . import x" / "from .. import x": each name may be a module
                found += [(node.lineno, f"{target}.{alias.name}") for alias in node.names]
            else:
                found.append((node.lineno, target))
    return found


def _package(module: str) -> str:
    """``jixiao.repair.index`` → ``repair``; the root's own names → ''."""
    parts = module.split(".")
    if len(parts) < 2 or not (SRC / parts[1]).is_dir():
        return ""
    return parts[1]


def _modules() -> dict[str, Path]:
    return {_module_name(p): p for p in sorted(SRC.rglob("*.py"))}


def test_the_package_tree_is_found():
    modules = _modules()
    assert "jixiao.model.filing" in modules and "jixiao.pipeline.runner" in modules


class Offence(NamedTuple):
    """An import against the layers, as data."""

    module: str
    target: str
    direction: str  # up, sideways, or back (an entry point imported back)
    where: str  # file:line


def offences() -> list[Offence]:
    found = []
    for module, path in _modules().items():
        here = _package(module)
        if here == "":
            continue
        for line, target in _imports(path):
            there = _package(target)
            if there == here:
                continue
            where = f"{path.relative_to(SRC.parent)}:{line}"
            if target in ENTRY_POINTS:
                found.append(Offence(module, target, "back", where))
                continue
            if module in ENTRY_POINTS:
                continue
            if _layer_of(there) >= _layer_of(here):
                found.append(Offence(module, target, "sideways" if _layer_of(there) == _layer_of(here) else "up",
                                     where))
    return found


def test_no_import_goes_up_or_sideways():
    found = offences()
    assert not found, "imports against the layers:\n" + "\n".join(
        f"{o.where}: {o.module} imports {o.target} ({o.direction})" for o in found)


def _package_graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {}
    for module, path in _modules().items():
        here = _package(module)
        if module in ENTRY_POINTS:
            continue
        for _, target in _imports(path):
            there = _package(target)
            if there != here:
                graph.setdefault(here, set()).add(there)
    return graph


def cycles() -> list[str]:
    graph = _package_graph()
    found: list[str] = []

    def visit(node: str, trail: list[str]) -> None:
        for nxt in sorted(graph.get(node, ())):
            if nxt in trail:
                found.append(" → ".join(trail[trail.index(nxt):] + [nxt]))
            elif len(trail) < len(graph) + 1:
                visit(nxt, trail + [nxt])

    for start in sorted(graph):
        visit(start, [start])
    return sorted(set(found))


def test_no_cycle_between_packages():
    found = cycles()
    assert not found, "import cycles between packages:\n" + "\n".join(found)


def test_the_model_is_a_leaf():
    offences = [f"{module} imports {target}" for module, path in _modules().items()
                if _package(module) in ("model", "layout")
                for _, target in _imports(path) if _package(target) not in ("model", "layout")]
    assert not offences, "\n".join(offences)


@pytest.mark.parametrize("source, expected", [
    ("from ..repair.damage import is_cjk\n", "jixiao.repair.damage"),
    ("from .. import __version__\n", "jixiao.__version__"),
    ("import jixiao.output.writers\n", "jixiao.output.writers"),
])
def test_the_reader_resolves_relative_imports(tmp_path, source, expected, monkeypatch):
    """The checker itself: a relative import in extractors/x.py resolves to the absolute module."""
    fake = tmp_path / "jixiao" / "extractors"
    fake.mkdir(parents=True)
    (fake / "x.py").write_text(source, encoding="utf-8")
    import test_layers

    monkeypatch.setattr(test_layers, "SRC", tmp_path / "jixiao")
    assert [target for _, target in test_layers._imports(fake / "x.py")] == [expected]


def test_an_upward_import_is_caught(tmp_path, monkeypatch):
    """A planted import from repair into pipeline fails the contract, naming module and import."""
    import shutil

    import test_layers

    copy = tmp_path / "jixiao"
    shutil.copytree(SRC, copy, ignore=shutil.ignore_patterns("static", "templates", "schemas", "__pycache__"))
    (copy / "repair" / "planted.py").write_text("from ..pipeline.runner import convert\n", encoding="utf-8")
    monkeypatch.setattr(test_layers, "SRC", copy)
    assert ("jixiao.repair.planted", "jixiao.pipeline.runner", "up") in \
        [(o.module, o.target, o.direction) for o in test_layers.offences()]
    assert test_layers.cycles()  # repair → pipeline → repair
