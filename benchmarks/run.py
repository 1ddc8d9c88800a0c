"""Benchmarks, reported as ratios to a floor measured in the same run (machines are noisy).

    python benchmarks/run.py                       # everything
    python benchmarks/run.py --quick               # smaller inputs, fewer repeats
    python benchmarks/run.py --profile             # add a profile summary of the throughput run
    python benchmarks/run.py --against ../c07f7de  # the process runs paired with another checkout's

Figures: cold start of `budgetlint check --format concise` on one table against
`python -c pass`; read throughput (text → model) and check throughput (text →
findings → JSON) on a generated document against a plain split('|') loop over
the same text; many files sequentially and with the worker pool; rich output of
10,000 findings; and, when their scripts are present, the language server's
re-check latency and peak memory on a 100 MB document.  With --against, the
10 MB check and the 200 files run in pairs with that checkout of budgetlint, and
the goal is to stay within 20 % of its time.  Instructions of one process against
another checkout: benchmarks/instructions.py --against.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PIPE_SEED = ROOT / "examples" / "ningxia-kexie-2024-performance-targets.md"
ONE_TABLE = ROOT / "examples" / "clean" / "2025-health-projects.md"

_NUMBER = re.compile(r"(?<=\| )(≥|>|)(\d+)(?= ?(项|个|次|期|场|人|台|%))")


def generate(megabytes: float, seed: int = 7) -> str:
    """A document of about `megabytes` MB: the 19 seed tables again and again, names and counts varied."""
    rng = random.Random(seed)
    base = PIPE_SEED.read_text(encoding="utf-8")
    head, _, body = base.partition("\n## ")
    body = "## " + body
    parts = [head]
    size = len(head.encode())
    copy = 0
    while size < megabytes * 1024 * 1024:
        copy += 1

        def vary(match: re.Match) -> str:
            if rng.random() < 0.3:
                return f"{match.group(1)}{int(match.group(2)) + rng.randint(1, 9)}"
            return match.group(0)

        text = _NUMBER.sub(vary, body.replace("| 项目名称 | ", f"| 项目名称 | 第{copy}批"))
        parts.append(text)
        size += len(text.encode())
    return "\n".join(parts)


def timed(fn, repeat: int) -> float:
    """Median wall time of `repeat` calls, in seconds."""
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - start)
    return statistics.median(runs)


# Installed packages have their bytecode compiled by pip; measure start-up the same way.
ENV = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}


def paired(floor, measure, repeat: int, floor_runs: int = 1) -> tuple[float, float, float]:
    """Run `floor` and `measure` alternately `repeat` times (after one warm-up run of each): their
    median times and the median of the per-pair ratios measure/floor.  On a VM whose speed drifts
    by tens of percent over minutes, a ratio of two figures taken minutes apart says more about
    the drift than about the code; a pair run back to back shares the same machine.  The floor of
    a pair can be the median of `floor_runs` runs: a short floor is where one hiccup weighs most."""
    floor()
    measure()
    floors, measures, ratios = [], [], []
    for _ in range(repeat):
        first = timed(floor, floor_runs)
        second = timed(measure, 1)
        floors.append(first)
        measures.append(second)
        ratios.append(second / first)
    return statistics.median(floors), statistics.median(measures), statistics.median(ratios)


def command(args: list[str], tree: Path | None = None):
    """A function running the command (its output discarded), with the budgetlint of checkout `tree` when
    given; `paired` runs it once first, which warms the caches (parser tables, unit factors) and the
    page cache."""
    env = ENV if tree is None else {**ENV, "PYTHONPATH": str(tree.resolve())}

    def run():
        subprocess.run(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False, env=env)

    return run


FRESH_LOOP = """
import statistics, sys, time
sys.path.insert(0, sys.argv[2])
from run import split_loop
text = open(sys.argv[1], encoding="utf-8").read()
runs = []
for _ in range(3):
    start = time.perf_counter()
    split_loop(text)
    runs.append(time.perf_counter() - start)
print(statistics.median(runs))
"""


def fresh_loop(path: Path) -> float:
    """The split loop's median time in a new process (for reference: the floor of the goal ratios is
    measured in this one, whose heap — after parsing the document — can make it up to ~1.8× faster)."""
    done = subprocess.run(
        [sys.executable, "-c", FRESH_LOOP, str(path), str(ROOT / "benchmarks")],
        capture_output=True,
        text=True,
        check=True,
        env=ENV,
    )
    return float(done.stdout.strip())


def split_loop(text: str) -> int:
    cells = 0
    for line in text.split("\n"):
        cells += len(line.split("|"))
    return cells


def report(name: str, value: str, ratio: float | None, goal: str, ok: bool | None) -> dict:
    mark = "" if ok is None else ("  ok" if ok else "  MISSED")
    ratio_text = "       " if ratio is None else f"{ratio:6.2f}×" if ratio < 10 else f"{ratio:6.1f}×"
    print(f"{name:<44} {value:>16}  {ratio_text}  goal {goal}{mark}")
    return {"name": name, "value": value, "ratio": ratio, "goal": goal, "ok": ok}


def report_against(tree: Path, pair: tuple[float, float, float]) -> dict:
    """The line of a measure run in pairs with another checkout's: (its time, ours, the median ratio)."""
    return report(f"  against {tree.name}", f"{pair[0]:.2f} s there", pair[2], "≤ 1.2×", pair[2] <= 1.2)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    parser.add_argument(
        "--against", type=Path, help="another checkout of budgetlint to run the process figures against"
    )
    options = parser.parse_args()
    repeat = 3 if options.quick else 9
    pairs = 2 if options.quick else 5  # back-to-back pairs of the long runs (10 MB, 200 files)
    megabytes = 2 if options.quick else 10
    results = []
    python = sys.executable
    own = [python, "-m", "budgetlint"]
    other = [python, "-m", "budgetlint"] if options.against else None
    print(
        f"budgetlint benchmarks — Python {sys.version.split()[0]}, {os.cpu_count()} cores, {time.strftime('%Y-%m-%d')}"
    )

    # ------------------------------------------------------------ cold start
    subprocess.run(
        [python, "-m", "compileall", "-q", str(ROOT / "budgetlint")], env=ENV, check=False, stdout=subprocess.DEVNULL
    )
    floor, cli, ratio = paired(
        command([python, "-c", "pass"]),
        command([python, "-m", "budgetlint", "check", str(ONE_TABLE), "--format", "concise"]),
        repeat,
    )
    results.append(
        report(
            "cold start: check --format concise, 1 file",
            f"{cli * 1000:.0f} ms",
            ratio,
            "≤ 5× python -c pass",
            ratio <= 5,
        )
    )
    print(f"{'':<44} {'(python -c pass ' + format(floor * 1000, '.0f') + ' ms)':>16}")

    # ------------------------------------------------------------ throughput
    from budgetlint.engine import Linter
    from budgetlint.reporters import Options, render
    from budgetlint.runner import Result

    text = generate(megabytes)
    size_mb = len(text.encode()) / (1024 * 1024)
    floor = timed(lambda: split_loop(text), repeat)
    linter = Linter()
    linter.parse(PIPE_SEED.read_text(encoding="utf-8"))  # build parsers and caches once
    read = timed(lambda: linter.parse(text, "big.md"), max(1, repeat // 3))
    results.append(
        report(f"read {size_mb:.1f} MB to the model", f"{size_mb / read:.2f} MB/s", read / floor, "informational", None)
    )

    def check_json():  # in-process, one process: for the profile
        document, findings = linter.check_text(text, "big.md", keep_projects=False)
        result = Result(findings=findings, files=1, projects=document.project_count)
        render("json", result, io.StringIO(), Options())

    with tempfile.TemporaryDirectory() as folder:
        big = Path(folder) / "big.md"
        big.write_text(text, encoding="utf-8")
        loop, checked, ratio = paired(
            lambda: split_loop(text),
            command(
                [
                    python,
                    "-m",
                    "budgetlint",
                    "check",
                    str(big),
                    "--format",
                    "json",
                    "--fail-on",
                    "never",
                    "--output",
                    os.devnull,
                ]
            ),
            pairs,
            floor_runs=3,
        )
        fresh = fresh_loop(big)
        check_big = ["check", str(big), "--format", "json", "--fail-on", "never", "--output", os.devnull]
        against = (
            paired(command(other + check_big, options.against), command(own + check_big), pairs) if other else None
        )
    results.append(
        report(
            f"budgetlint check --format json, {size_mb:.1f} MB",
            f"{size_mb / checked:.2f} MB/s",
            ratio,
            "× split loop (informational)",
            None,
        )
    )
    if against is not None:
        results.append(report_against(options.against, against))
    print(
        f"{'':<44} {'(split loop ' + format(size_mb / loop, '.0f') + ' MB/s here, ':>16}"
        f"{size_mb / fresh:.0f} MB/s in a fresh process)"
    )
    single = timed(check_json, 1)
    results.append(
        report(
            "  the same in one process (no pool)", f"{size_mb / single:.2f} MB/s", single / floor, "informational", None
        )
    )
    # The generated document repeats the seed's 19 tables with some counts changed, so nearly every value
    # cell is one the value reader has seen (98% of reads hit its cache); in a real document nearly
    # every value is new.  The seed itself, its values forgotten before each check, shows that case.
    seed_text = PIPE_SEED.read_text(encoding="utf-8")
    seed_mb = len(seed_text.encode()) / (1024 * 1024)

    def check_seed(forget: bool):
        if forget:
            linter.values.read.cache_clear()
        linter.check_text(seed_text, "seed.md", keep_projects=False)

    for forget, label in ((True, "every value new"), (False, "values seen before")):
        seconds = timed(partial(check_seed, forget), repeat * 3)
        ratio = (seconds / seed_mb) / (floor / size_mb)  # against the split loop, per MB
        results.append(
            report(f"  the 19 real tables, {label}", f"{seed_mb / seconds:.2f} MB/s", ratio, "informational", None)
        )
    if options.profile:
        import cProfile
        import pstats

        profiler = cProfile.Profile()
        profiler.runcall(check_json)
        stats = pstats.Stats(profiler)
        stats.sort_stats("cumulative").print_stats(18)

    # ------------------------------------------------------------ terminal output
    from budgetlint.findings import Finding
    from budgetlint.model import Span

    findings = [
        Finding(
            "BL201",
            Span(i + 1, 3, i + 1, 9),
            expected="108.55",
            actual="53.55",
            path="big.md",
            rule="costs-add-up-to-annual",
            severity="error",
            message=f"成本合计与年度资金总额不符：期望 108.55，实际 53.55（{i}）",
        )
        for i in range(10000)
    ]
    sources = {"big.md": "\n".join(f"| | 14-成本指标 | 举办培训班 | 14.775万元/期 | {i}" for i in range(10000))}
    many = Result(findings=findings, files=1, projects=1, sources=sources)
    with open(os.devnull, "w", encoding="utf-8") as sink:
        terminal = timed(lambda: render("rich", many, sink, Options(color=True)), max(1, repeat // 3))
    results.append(report("rich output of 10,000 findings", f"{terminal:.2f} s", None, "≤ 0.5 s", terminal <= 0.5))
    # rows wider than the terminal (a narrative): each cut to a window around its cell
    narrative = "| 年度总体绩效目标 | " + "本项目主要用于开展科技志愿服务活动，" * 20
    wide = Result(findings=findings, files=1, projects=1, sources={"big.md": "\n".join([narrative] * 10000)})
    with open(os.devnull, "w", encoding="utf-8") as sink:
        cut = timed(lambda: render("rich", wide, sink, Options(color=True, width=80)), max(1, repeat // 3))
    results.append(report("rich output of 10,000 findings, 400-column rows", f"{cut:.2f} s", None, "≤ 1 s", cut <= 1))

    # ------------------------------------------------------------ many files
    with tempfile.TemporaryDirectory() as folder:
        one = generate(0.05, seed=11)
        for index in range(200):
            (Path(folder) / f"doc{index:03}.md").write_text(one.replace("第", f"第{index}-"), encoding="utf-8")
        each = len(one.encode()) // 1024
        base = ["check", folder, "--format", "json", "--fail-on", "never"]
        sequential, pooled, ratio = paired(
            command(own + base + ["--jobs", "1"]), command(own + base + ["--jobs", "2"]), pairs
        )
        against = None
        if other:
            two = base + ["--jobs", "2"]
            against = paired(command(other + two, options.against), command(own + two), pairs)
    if pooled > 0:
        speedup = 1 / ratio
        results.append(
            report(
                f"200 files × {each} KB: 2 processes vs 1", f"{pooled:.2f} s", speedup, "≥ 1.6× faster", speedup >= 1.6
            )
        )
    if against is not None:
        results.append(report_against(options.against, against))

    # ------------------------------------------------------------ scripts of their own
    for script, args in (
        ("lsp_latency.py", ["--edits", "10" if options.quick else "40"]),
        ("memory.py", ["--quick"] if options.quick else []),
    ):
        path = ROOT / "benchmarks" / script
        if path.exists():
            completed = subprocess.run([python, str(path), *args], capture_output=True, text=True, check=False, env=ENV)
            print(completed.stdout.rstrip() or completed.stderr.rstrip())

    if options.json:
        options.json.write_text(json.dumps(results, ensure_ascii=False, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
