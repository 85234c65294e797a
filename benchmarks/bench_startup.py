"""Start-up: what a one-file convert costs before and around its one filing (issue 22).

Each command runs in a fresh process, as a user types it (the ``jixiao`` console
script beside this interpreter), and is measured in CPU seconds of its whole
process tree (``wait4``: workers included), best of ``--rounds`` interleaved
rounds; the machine is shared, so wall time says little:

- ``python -c pass``: the interpreter alone, the floor of any command;
- ``jixiao --version``;
- ``jixiao convert FILE -o OUT``: one small text filing with the command line's
  defaults (the local engine, its workers, the repair memory of $JIXIAO_MEMORY);
- the same with ``--engine serial --no-memory --no-cache``.

Goal: a one-file text convert under 0.5 s of CPU. jieba's word table is made once
per machine (``~/.cache/jixiao``), before the rounds, as a user's first split makes it.

    .venv/bin/python benchmarks/bench_startup.py [--rounds 5] [FILE]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FILE = ROOT / "samples" / "seed_hengyang_emergency_management.txt"
GOAL = 0.5


def cpu_of(argv: list[str]) -> tuple[float, int]:
    """CPU seconds of ``argv``'s process and every child it waited for, and its exit code."""
    process = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    return usage.ru_utime + usage.ru_stime, process.returncode


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("file", nargs="?", default=str(FILE))
    args = parser.parse_args(argv)
    jixiao = str(Path(sys.executable).with_name("jixiao"))
    if not Path(jixiao).exists():
        jixiao_argv = [sys.executable, "-m", "jixiao.pipeline.cli"]
    else:
        jixiao_argv = [jixiao]
    from bench_pdf_tables import compile_bytecode  # the script beside this one

    compile_bytecode()  # as an install writes it
    print(f"bench_startup: {os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}; {Path(args.file).name}")
    with tempfile.TemporaryDirectory(prefix="jixiao-bench-startup-") as tmp:
        out = Path(tmp)
        commands = {
            "python -c pass": lambda n: [sys.executable, "-c", "pass"],
            "jixiao --version": lambda n: [*jixiao_argv, "--version"],
            "jixiao convert FILE (defaults)": lambda n: [*jixiao_argv, "convert", args.file, "-o",
                                                        str(out / f"default-{n}"), "-q"],
            "jixiao convert FILE (serial, no memory, no cache)": lambda n: [
                *jixiao_argv, "convert", args.file, "-o", str(out / f"serial-{n}"), "--engine", "serial",
                "--no-memory", "--no-cache", "-q"],
        }
        subprocess.run(commands["jixiao convert FILE (serial, no memory, no cache)"]("warm-up"),
                       capture_output=True)  # makes the word table if this machine has none yet
        best: dict[str, float] = {}
        for n in range(args.rounds):
            for label, command in commands.items():
                cpu, code = cpu_of(command(n))
                if code not in (0, 1):
                    raise SystemExit(f"{label} exited {code}")
                best[label] = min(best.get(label, cpu), cpu)
    print(f"  {'CPU s, best of ' + str(args.rounds):52}")
    for label, cpu in best.items():
        print(f"  {label:52}{cpu:6.3f}")
    worst = max(best["jixiao convert FILE (defaults)"], best["jixiao convert FILE (serial, no memory, no cache)"])
    print(f"  one-file text convert: {worst:.2f} s CPU (goal < {GOAL:g} s): "
          f"{'met' if worst < GOAL else 'NOT met'}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
