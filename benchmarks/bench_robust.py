"""Robustness numbers: issue 23's hostile inputs, bad inputs handled as expected, fuzz executions and
crashes, kill points.

    make bench-robust          # FUZZ_SECONDS (default 20) per atheris target, JIXIAO_KILL_POINTS (default 8)
    HOSTILE=7c,9a make bench-robust    # only these hostile cases (by number or name); HOSTILE=none skips them

Hostile inputs: every case of tests/hostile_inputs.py (the probe of issue 23) at the probe's own size,
run as a user runs it (`jixiao convert`, the local engine, good inputs beside it), each in its own
process tree: its status against the expected one, its wall time and the peak memory of the whole
tree, workers included (tests/process_tree.py: the sum of the processes' PSS, sampled every 50 ms).
Acceptance: every case as expected, each under 60 s and 1.5 GB.

Bad inputs: every case of tests/bad_inputs.py through one `convert()` batch, by kind (the folder
cases, such as a name that is not UTF-8 or a symbolic link loop, are found by walking their folder).
Hardening: tests/test_hardening.py (names, folders, -o, permissions, the repair memory, warnings,
workers), passed per group.
Fuzzing: fuzz/fuzz_extract.py on the text and PDF targets for FUZZ_SECONDS each
(skipped, and said so, when atheris is not installed: `make fuzz` installs it).
Kill points: SIGKILL at random points of `jixiao convert`; each output file must
be the old or the new version, and the SQLite memory must pass integrity_check.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

import bad_inputs  # noqa: E402
import hostile_inputs  # noqa: E402
from jixiao.pipeline import convert  # noqa: E402
from process_tree import measure  # noqa: E402


def hostile_numbers(work: Path) -> None:
    """Issue 23's probe at full size, one case at a time (a case's input is made before it is timed)."""
    wanted = os.environ.get("HOSTILE", "")
    if wanted == "none":
        return
    chosen = [c for c in hostile_inputs.CASES if not wanted or c.number in wanted.split(",") or
              c.name in wanted.split(",")]
    env = {**os.environ, "JIXIAO_CACHE_KEY": str(work / "cache.key"), "JIXIAO_MEMORY": str(work / "memory.sqlite")}
    print(f"hostile inputs (issue 23, at the probe's size; budget {hostile_inputs.TIME_BUDGET:.0f} s, "
          f"{hostile_inputs.MEMORY_BUDGET / (1 << 30):.1f} GB for the process tree)")
    print(f"  {'case':4} {'name':26} {'status':9} {'expected':9} {'seconds':>7} {'peak MB':>8}  verdict")
    good = within = 0
    for case in chosen:
        folder = work / "hostile" / case.name
        hostile_inputs.make(case, folder, full=True)
        measured = measure([sys.executable, str(ROOT / "tests/hostile_inputs.py"), "run", case.name, str(folder),
                            "--full"], env=env)
        subprocess.run(["rm", "-rf", str(folder)], check=False)  # gigabytes: gone before the next case
        try:
            verdict = json.loads(measured.stdout.strip().splitlines()[-1])
        except (ValueError, IndexError):
            verdict = {"status": f"exit {measured.returncode}", "problems": [measured.stderr[-300:]]}
        fits = measured.seconds < hostile_inputs.TIME_BUDGET and measured.peak_bytes < hostile_inputs.MEMORY_BUDGET
        good += not verdict["problems"]
        within += fits
        note = "as expected" if not verdict["problems"] else "MISS " + "; ".join(verdict["problems"])[:200]
        print(f"  {case.number:4} {case.name:26} {verdict['status']:9} {case.status:9} {measured.seconds:7.1f} "
              f"{measured.peak_mb:8.0f}  {note}{'' if fits else '  OVER BUDGET'}", flush=True)
    print(f"  {good}/{len(chosen)} as expected, {within}/{len(chosen)} within the budget")


def bad_input_numbers(work: Path) -> None:
    paths = bad_inputs.build(work / "bad")
    paths.update(bad_inputs.build_walked(work / "bad"))  # names that are not UTF-8, links, FIFOs: found by walking
    cases = (*bad_inputs.CASES, *bad_inputs.FOLDER_CASES)
    started = time.perf_counter()
    result = convert([*(str(paths[c.name]) for c in bad_inputs.CASES), str(work / "bad" / bad_inputs.WALKED)],
                     work / "bad-out")
    seconds = time.perf_counter() - started
    entries = {e.source: e.model_dump(mode="json") for e in result.manifest}
    tried, handled, misses = Counter(), Counter(), []
    for case in cases:
        tried[case.kind] += 1
        entry = entries.get(bad_inputs.manifest_key(paths[case.name]))
        if entry is None:
            misses.append(f"{case.name!a}: no manifest line")
            continue
        problem = bad_inputs.check(case, entry)
        if problem is None:
            handled[case.kind] += 1
        else:
            misses.append(f"{case.name!a}: {problem}")
    print(f"bad inputs ({seconds:.1f} s for the batch of {len(cases)})")
    print(f"  {'kind':12} {'tried':>5} {'as expected':>12}")
    for kind in tried:
        print(f"  {kind:12} {tried[kind]:5} {handled[kind]:12}")
    total, ok = sum(tried.values()), sum(handled.values())
    print(f"  {'total':12} {total:5} {ok:12}  ({100 * ok / total:.0f}%)")
    for miss in misses:
        print("  MISS", miss)


def fuzz_numbers() -> None:
    seconds = int(os.environ.get("FUZZ_SECONDS", 20))
    try:
        import atheris  # noqa: F401
    except ImportError:
        print("fuzzing: atheris is not installed (`make fuzz` installs it); not run")
        return
    print(f"fuzzing (atheris, {seconds} s per target; crashes are saved in fuzz/crashes/)")
    for target in ("text", "pdf"):
        stats = ROOT / "fuzz" / f"stats-{target}.json"
        stats.unlink(missing_ok=True)
        run = subprocess.run([sys.executable, str(ROOT / "fuzz/fuzz_extract.py"), target, str(seconds)],
                             capture_output=True, text=True, timeout=seconds + 300)
        done = [line for line in run.stderr.splitlines() if line.startswith("Done ")]
        numbers = json.loads(stats.read_text()) if stats.exists() else {}
        runs = done[-1].split()[1] if done else numbers.get("executions", "?")
        print(f"  {target:5} executions {runs:>7}  crashes {numbers.get('crashes', '?')}"
              f"{'  (exit ' + str(run.returncode) + ')' if run.returncode else ''}")


def kill_numbers(work: Path) -> None:
    import test_crash_consistency as crash

    points = int(os.environ.get("JIXIAO_KILL_POINTS", 8))
    crash.KILL_POINTS = points
    inputs = [str(bad_inputs.SEED), *map(str, sorted((ROOT / "samples/generated").glob("*.txt"))[:5])]
    command = crash.convert_command(inputs)
    old_dir, new_dir, old_memory = work / "old", work / "new", work / "old.sqlite"
    subprocess.run(crash.convert_command(inputs[:1])(old_dir, old_memory), check=True)  # the old version
    shutil.copyfile(old_memory, work / "new.sqlite")
    started = time.monotonic()
    subprocess.run(command(new_dir, work / "new.sqlite"), check=True)
    stats = crash.check_kills(work / "kills", command, old_dir, new_dir, old_memory,
                              time.monotonic() - started, seed=int(time.time()))
    print(f"kill points (jixiao convert, SIGKILL at random times): tried {points}, "
          f"landed mid-run {stats['kills']}, files checked {stats['files_checked']}, "
          f"corrupt {len(stats['corrupt'])} {stats['corrupt'] or ''}; memory integrity_check ok")


def hardening_numbers(work: Path) -> None:
    """tests/test_hardening.py (issue 14: the batch around the inputs), one line per group of cases."""
    import xml.etree.ElementTree as ElementTree

    report = work / "hardening.xml"
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(ROOT / "tests/test_hardening.py"),
                    f"--junitxml={report}"], cwd=ROOT, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    groups: dict[str, Counter] = {}
    failures = []
    for case in ElementTree.parse(report).iter("testcase"):
        name = case.get("name", "")
        group = name.split("[")[0].removeprefix("test_").replace("_", " ")
        counts = groups.setdefault(group, Counter())
        outcome = "skipped" if case.find("skipped") is not None else \
            "failed" if case.find("failure") is not None or case.find("error") is not None else "passed"
        counts[outcome] += 1
        if outcome == "failed":
            failures.append(name)
    print(f"hardening (tests/test_hardening.py, {seconds:.0f} s)")
    for group, counts in groups.items():
        print(f"  {counts['passed']:2}/{sum(counts.values()):<2} {group}"
              + (f"  ({counts['skipped']} skipped)" if counts["skipped"] else ""))
    for name in failures:
        print("  FAIL", name)


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="jixiao-robust-") as folder:
        work = Path(folder)
        (work / "kills").mkdir()
        hostile_numbers(work)
        bad_input_numbers(work)
        hardening_numbers(work)
        fuzz_numbers()
        kill_numbers(work)


if __name__ == "__main__":
    main()
