"""``jixiao review OUT`` and ``jixiao export OUT``: the clerks' side of the command line."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path


EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def add_commands(commands) -> None:
    """Add the ``review`` and ``export`` subcommands to the ``jixiao`` parser."""
    review = commands.add_parser(
        "review", help="review flagged repairs in a browser",
        description="Start a local web app over a converted batch: a keyboard-driven queue of the fields "
        "jixiao could not restore with certainty. Decisions go to the decision log in the repair memory.")
    review.add_argument("out", metavar="OUT", help="batch folder written by `jixiao convert`")
    review.add_argument("--host", default="127.0.0.1",
                        help="address to bind (default: %(default)s); a non-loopback address needs --allow-remote")
    review.add_argument("--allow-remote", action="store_true",
                        help="allow binding to an address other machines can reach (prints a warning): "
                        "anyone with the printed URL's token can then write decisions")
    review.add_argument("--port", type=int, default=8765, help="port; 0 picks a free one (default: %(default)s)")
    review.add_argument("--reviewer", default=None, help="name logged with each decision (default: your login)")
    review.add_argument("--memory", metavar="PATH", default=None,
                        help="SQLite repair memory holding the decision log (default: $JIXIAO_MEMORY, or "
                        "~/.local/share/jixiao/memory.sqlite)")
    review.add_argument("--sources", action="append", default=[], metavar="DIR",
                        help="folder to find relative source paths in (default: the working folder, then "
                        "OUT's parent); may be repeated")

    export = commands.add_parser(
        "export", help="write the batch's outputs with the clerks' decisions applied",
        description="Rewrite OUT/records.jsonl, records.csv, filings.jsonl and review.jsonl with the decisions "
        "in force; decided fields get status confirmed or edited.")
    export.add_argument("out", metavar="OUT", help="batch folder written by `jixiao convert`")
    export.add_argument("--memory", metavar="PATH", default=None,
                        help="SQLite repair memory holding the decision log (default: $JIXIAO_MEMORY, or "
                        "~/.local/share/jixiao/memory.sqlite)")
    export.add_argument("--replay", metavar="JSON", help="first apply decisions exported from another batch "
                        "(GET /api/decisions or --decisions of an earlier export)")
    export.add_argument("--decisions", metavar="JSON", help="also write this batch's decisions in force as JSON")
    export.add_argument("--reviewer", default=None, help="name logged with replayed decisions")


def _memory(path) -> Path:
    from ..pipeline.options import memory_path

    return memory_path(path)


def _reviewer(name) -> str:
    from ..pipeline.options import reviewer_name

    return reviewer_name(name)


def run_review(args: argparse.Namespace) -> int:
    from werkzeug.serving import make_server

    from .access import is_loopback
    from .app import create_app
    from .batch import BatchError

    if not is_loopback(args.host):
        if not getattr(args, "allow_remote", False):
            print(f"jixiao: --host {args.host} is reachable from other machines; the review server binds to "
                  "loopback only unless --allow-remote is given", file=sys.stderr)
            return EXIT_USAGE
        print(f"jixiao: WARNING: serving on {args.host}, reachable from other machines. Anyone who gets the "
              "URL below (with its token) can read the batch and write decisions as "
              f"{_reviewer(args.reviewer)!r}; the connection is not encrypted.", file=sys.stderr, flush=True)
    try:
        app = create_app(args.out, memory=_memory(args.memory), reviewer=_reviewer(args.reviewer),
                         source_roots=[Path(s) for s in args.sources], bind_host=args.host)
    except BatchError as error:
        print(f"jixiao: {error}", file=sys.stderr)
        return EXIT_USAGE
    server = make_server(args.host, args.port, app, threaded=True)
    host = f"[{args.host}]" if ":" in args.host else args.host
    access = app.extensions["jixiao_review"].access
    print(f"jixiao review: {access.url(f'http://{host}:{server.server_port}/')}  (Ctrl+C to stop)", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return EXIT_OK


def run_export(args: argparse.Namespace) -> int:
    from .actions import replay_decisions
    from .batch import Batch, BatchError
    from .log import DecisionLog
    from ..repair.memory import RepairMemory

    try:
        batch = Batch(Path(args.out))
    except BatchError as error:
        print(f"jixiao: {error}", file=sys.stderr)
        return EXIT_USAGE
    with RepairMemory(_memory(args.memory)) as store:
        log = DecisionLog(store.conn, batch.key)
        if args.replay:
            try:
                payload = json.loads(Path(args.replay).read_text(encoding="utf-8"))
            except (OSError, json.JSONDecodeError) as error:
                print(f"jixiao: {args.replay}: cannot read decisions: {error}", file=sys.stderr)
                return EXIT_USAGE
            decisions = payload.get("decisions", []) if isinstance(payload, dict) else payload
            counts = replay_decisions(log, batch, decisions, _reviewer(args.reviewer), memory=store)
            print(f"jixiao export: replayed {counts['applied']}, skipped {counts['skipped']}, "
                  f"unmatched {counts['unmatched']}")
        counts = batch.export(log)
        if args.decisions:
            from ..output.atomic import atomic_writer
            from .. import __version__

            with atomic_writer(Path(args.decisions)) as handle:
                json.dump({"batch": batch.key, "jixiao_version": __version__,
                           "decisions": [d.to_json() for d in log.in_force()]}, handle, ensure_ascii=False, indent=1)
    print(f"jixiao export: {counts['decided']} decision(s), {counts['flagged']} flagged, "
          f"{counts['fields_settled']} field(s) settled → {batch.out_dir}")
    return EXIT_OK
