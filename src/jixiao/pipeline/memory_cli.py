"""``jixiao memory check`` and ``jixiao memory salvage``: look after the repair memory's SQLite file.

``check`` runs SQLite's full ``integrity_check`` and prints what the memory
holds; exit 0 when sound, 1 when damaged. ``salvage`` moves a damaged file
aside (``PATH.damaged-<time>``, nothing is deleted) and starts a new memory
with every passage and every other table's row that can still be read: what a
clerk decided is kept when its rows survive. It was called ``repair``, which
everywhere else in jixiao means restoring a filing's text; that name still
works, hidden, and says so (issue 20). Both take the memory as ``convert``
does: ``--memory PATH``, else ``$JIXIAO_MEMORY`` as it is when the command runs,
else ``~/.local/share/jixiao/memory.sqlite``.
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import sys
import time
from pathlib import Path

from ..repair.index import PassageRef, Trust
from ..repair.layouts import layouts_in_force
from ..repair.memory import MemoryStoreError, RepairMemory, connect_read_only, create_private

_REBUILT = ("passages", "grams", "gram_df", "schema_migrations", "batches")


SALVAGE_TEXT = ("the memory's SQLite file is damaged: move it aside and start a new one with the passages "
                "and decisions that can still be read (this does not touch any filing's text)")
ACTIONS = {"check": "integrity check of the memory's SQLite file; prints what it holds (exit 1 when damaged)",
           "salvage": SALVAGE_TEXT}
RENAMED = {"repair": "salvage"}  # old name → new: hidden from the help, still accepted, with a warning


def add_commands(commands) -> None:
    memory = commands.add_parser(
        "memory", help="check the repair memory's SQLite file, or salvage a damaged one",
        description="Look after the repair memory (the SQLite file of passages and clerk decisions that "
        "`convert --memory` draws on): check it, or salvage a damaged one.")
    actions = memory.add_subparsers(dest="memory_command", metavar="ACTION")
    actions.required = True
    for name, text in [*ACTIONS.items(), *((old, None) for old in RENAMED)]:
        # an old name gets no help= so that the help does not list it
        action = actions.add_parser(name, description=text or ACTIONS[RENAMED[name]],
                                    **({"help": text} if text else {}))
        action.add_argument("--memory", metavar="PATH", default=None,
                            help="the repair memory's SQLite file (default: $JIXIAO_MEMORY, or "
                            "~/.local/share/jixiao/memory.sqlite)")


def run_memory(args: argparse.Namespace) -> int:
    from .options import OptionsError, memory_path

    command = args.memory_command
    if command in RENAMED:
        print(f"jixiao: warning: `jixiao memory {command}` is now `jixiao memory {RENAMED[command]}` "
              f"(it salvages the memory's file; it repairs no text); the old name will go", file=sys.stderr)
        command = RENAMED[command]
    try:
        path = memory_path(args.memory)  # read now, as convert reads it
    except OptionsError as error:
        print(f"jixiao: {error}", file=sys.stderr)
        return 2
    if not path.exists():
        print(f"jixiao: repair memory {path}: no such file", file=sys.stderr)
        return 2
    if command == "check":
        problems = integrity_problems(path)
        if problems:
            print(f"jixiao: repair memory {path} is damaged: {'; '.join(problems[:5])}. Ways on: convert with "
                  f"--no-memory, move it aside, or `jixiao memory salvage --memory {path}`", file=sys.stderr)
            return 1
        with RepairMemory(path) as store:
            print(json.dumps({**store.state(), "layouts": len(layouts_in_force(store.conn))}, ensure_ascii=False))
        return 0
    problems = integrity_problems(path)
    if not problems:
        print(f"jixiao: repair memory {path} is sound; nothing to salvage")
        return 0
    if not integrity_problems(path, "quick_check"):
        # every page and record reads: only an index disagrees with its table. Rebuild the indexes in
        # place; a memory quick_check calls healthy is never moved aside (issue 23)
        return reindex(path, problems)
    aside, counts = salvage(path)
    print(f"jixiao: the damaged memory was moved to {aside}; the new {path} holds "
          f"{counts['passages']} passage(s) and {counts['rows']} other row(s) that could still be read "
          f"({counts['lost']} unreadable)")
    return 0


def integrity_problems(path: Path, check: str = "integrity_check") -> list[str]:
    """What ``PRAGMA integrity_check`` (or ``quick_check``) finds (an empty list when sound)."""
    try:
        conn = connect_read_only(path)
        try:
            rows = [row[0] for row in conn.execute(f"PRAGMA {check}(20)")]
        finally:
            conn.close()
    except sqlite3.Error as error:
        return [str(error)]
    return [] if rows == ["ok"] else rows


def reindex(path: Path, problems: list[str]) -> int:
    """Rebuild the indexes of a memory whose records are sound (``REINDEX``), in place."""
    try:
        with RepairMemory(path) as store:
            store.conn.execute("REINDEX")
    except (sqlite3.Error, MemoryStoreError) as error:
        print(f"jixiao: repair memory {path}: its indexes disagree with its tables ({'; '.join(problems[:3])}) "
              f"and could not be rebuilt ({error}); the file was left as it is", file=sys.stderr)
        return 1
    left = integrity_problems(path)
    if left:
        print(f"jixiao: repair memory {path}: REINDEX did not clear {'; '.join(left[:3])}; the file was left "
              "in place (its records are sound: quick_check)", file=sys.stderr)
        return 1
    print(f"jixiao: repair memory {path}: its records were sound; its indexes were rebuilt in place "
          f"({'; '.join(problems[:3])})")
    return 0


def salvage(path: Path) -> tuple[Path, dict]:
    """Move ``path`` aside and rebuild a memory from what can be read of it."""
    aside = path.with_name(f"{path.name}.damaged-{time.strftime('%Y%m%dT%H%M%S')}")
    os.replace(path, aside)
    for suffix in ("-wal", "-shm"):
        if Path(f"{path}{suffix}").exists():
            os.replace(f"{path}{suffix}", f"{aside}{suffix}")
    counts = {"passages": 0, "rows": 0, "lost": 0}
    try:
        old = connect_read_only(aside)
    except sqlite3.Error:
        old = None
    create_private(path)
    with RepairMemory(path) as store:
        if old is None:
            return aside, counts
        for row in _rows(old, "SELECT text, trust, source, filing, field, grp FROM passages", counts):
            text, trust, source, filing, field, group = row
            try:
                level = Trust(trust)
            except ValueError:
                level = Trust.MEMORY
            counts["passages"] += store.add([(text, PassageRef(source=source or str(path), filing=filing,
                                                                field=field or "memory", trust=level,
                                                                group=group))], trust=level)
        tables = list(_rows(old, "SELECT name, sql FROM sqlite_master WHERE type = 'table'", counts))
        for name, sql in tables:  # e.g. the review app's decision log: copied as it is
            if name in _REBUILT or name.startswith("sqlite_") or not sql:
                continue
            store.conn.execute(sql.replace("CREATE TABLE", "CREATE TABLE IF NOT EXISTS", 1))
            for values in _rows(old, f'SELECT * FROM "{name}"', counts):
                marks = ",".join("?" * len(values))
                store.conn.execute(f'INSERT OR IGNORE INTO "{name}" VALUES ({marks})', values)
                counts["rows"] += 1
        for component, version in _rows(old, "SELECT component, version FROM schema_migrations", counts):
            if component != "memory":  # the copied tables' own schema versions
                store.conn.execute("INSERT OR IGNORE INTO schema_migrations VALUES (?, ?)", (component, version))
        old.close()
    return aside, counts


def _rows(conn: sqlite3.Connection, query: str, counts: dict):
    """The rows of ``query`` that can be read, in rowid slices so that one bad page loses only its slice."""
    try:
        yield from conn.execute(query).fetchall()
        return
    except sqlite3.Error:
        pass
    table = query.split(" FROM ")[1].split()[0].strip('"')
    try:
        top = conn.execute(f'SELECT max(rowid) FROM "{table}"').fetchone()[0] or 0
    except sqlite3.Error:
        counts["lost"] += 1
        return
    step = 64
    for start in range(0, top + 1, step):
        try:
            yield from conn.execute(f"{query} WHERE rowid >= ? AND rowid < ?", (start, start + step)).fetchall()
        except sqlite3.Error:
            for rowid in range(start, start + step):
                try:
                    yield from conn.execute(f"{query} WHERE rowid = ?", (rowid,)).fetchall()
                except sqlite3.Error:
                    counts["lost"] += 1


repair = salvage  # the old name of the function (callers outside jixiao may use it)

__all__ = ["add_commands", "run_memory", "integrity_problems", "salvage", "MemoryStoreError"]
