"""``jixiao layouts list | show | forget``: the learned layouts a repair memory holds.

A learned layout is a clerk's column roles for one header (taught in the review app's queue of
tables not understood); every later ``convert`` with that memory reads tables with that header by
it. ``list`` prints one line per layout in force, ``show`` one layout with its roles and history
(``--json`` for scripts), ``forget`` takes one out of force: it stays in the history, and the
review app's undo (or ``jixiao layouts undo``) brings it back.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from ..layout.vocabulary import LABELS
from ..model import LearnedLayout
from ..repair.layouts import LayoutConflict, LayoutStore, UnknownLayout
from ..repair.memory import RepairMemory

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def add_commands(commands) -> None:
    """Add ``jixiao layouts`` and its actions to the ``jixiao`` parser."""
    layouts = commands.add_parser(
        "layouts", help="list, show or forget the learned layouts in the repair memory",
        description="The column roles clerks taught for table headers jixiao did not understand "
        "(the review app's queue of tables), kept in the repair memory.")
    actions = layouts.add_subparsers(dest="layouts_command", metavar="ACTION")
    actions.required = True
    listed = actions.add_parser("list", help="one line per learned layout in force")
    show = actions.add_parser("show", help="a layout's roles, overrides and history")
    show.add_argument("key", metavar="NAME_OR_SIGNATURE")
    forget = actions.add_parser("forget", help="take a layout out of force (kept in the history; undo restores it)")
    forget.add_argument("key", metavar="NAME_OR_SIGNATURE")
    undo = actions.add_parser("undo", help="take back your latest teach or forget")
    for action in (forget, undo):
        action.add_argument("--reviewer", default=None, help="name logged with the change (default: your login)")
    for action in (listed, show, forget, undo):
        action.add_argument("--memory", metavar="PATH", default=None,
                            help="the SQLite repair memory (default: $JIXIAO_MEMORY, or "
                            "~/.local/share/jixiao/memory.sqlite)")
    for action in (listed, show):
        action.add_argument("--json", action="store_true", help="print JSON instead of text")


def _memory(path) -> Path:
    from .options import memory_path

    return memory_path(path)


def _reviewer(name) -> str:
    from .options import reviewer_name

    return reviewer_name(name)


def run_layouts(args: argparse.Namespace) -> int:
    path = _memory(args.memory)
    if not path.exists():  # never create a memory just to say it holds nothing
        print(f"jixiao: repair memory {path}: no such file", file=sys.stderr)
        return EXIT_USAGE
    with RepairMemory(path) as memory:
        store = memory.layouts()
        try:
            return _ACTIONS[args.layouts_command](store, args)
        except UnknownLayout as error:
            print(f"jixiao: repair memory {path}: {error}; `jixiao layouts list` shows them", file=sys.stderr)
            return EXIT_FAILED
        except LayoutConflict as error:
            print(f"jixiao: repair memory {path}: {error}; nothing was changed", file=sys.stderr)
            return EXIT_FAILED


def describe_roles(layout: LearnedLayout) -> str:
    """'0→一级指标, 3→指标值, 4→(none)': each column the layout names, with the role's label."""
    parts = []
    for index, role in sorted(layout.roles.items()):
        mark = "!" if index in layout.overrides else ""
        parts.append(f"{index}{mark}→{LABELS.get(role, role) if role else '(none)'}")
    return ", ".join(parts)


def _list(store: LayoutStore, args: argparse.Namespace) -> int:
    layouts = store.in_force()
    if args.json:
        print(json.dumps([layout.model_dump(mode="json") for layout in layouts], ensure_ascii=False))
        return EXIT_OK
    if not layouts:
        print("no learned layouts")
    for layout in layouts:
        print(f"{layout.name}\t{layout.reviewer or '-'}\t{layout.decided_at or '-'}\t{layout.signature}\t"
              f"{describe_roles(layout)}")
    return EXIT_OK


def _show(store: LayoutStore, args: argparse.Namespace) -> int:
    layout = store.find(args.key)
    history = store.history(layout.signature)
    if args.json:
        print(json.dumps({"layout": layout.model_dump(mode="json"), "history": [e.to_json() for e in history]},
                         ensure_ascii=False))
        return EXIT_OK
    headers = layout.signature.split("|")
    print(f"{layout.name}  (taught by {layout.reviewer or '-'} at {layout.decided_at or '-'})")
    for index, header in enumerate(headers):
        role = layout.roles.get(index, "…")
        label = "(no field)" if role is None else "(the reader decides)" if role == "…" else LABELS.get(role, role)
        override = "  overrides the header" if index in layout.overrides else ""
        print(f"  {index:>2}  {header or '(empty)'}  →  {label}{override}")
    print("history:")
    for entry in history:
        print(f"  #{entry.seq} {entry.action} by {entry.reviewer} at {entry.decided_at}"
              + (f" (takes back #{entry.undoes})" if entry.undoes else ""))
    return EXIT_OK


def _forget(store: LayoutStore, args: argparse.Namespace) -> int:
    layout = store.forget(args.key, _reviewer(args.reviewer))
    print(f"jixiao layouts: {layout.name} is forgotten (kept in the history; `jixiao layouts undo` restores it)")
    return EXIT_OK


def _undo(store: LayoutStore, args: argparse.Namespace) -> int:
    entry = store.undo(_reviewer(args.reviewer))
    print(f"jixiao layouts: took back the {entry.action} of {entry.name}" if entry else "jixiao layouts: nothing to undo")
    return EXIT_OK


_ACTIONS = {"list": _list, "show": _show, "forget": _forget, "undo": _undo}

__all__ = ["add_commands", "describe_roles", "run_layouts"]
