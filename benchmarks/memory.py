"""Peak memory and wall time of `budgetlint check` on a 100 MB document and a folder of 10,000 tables.

    python benchmarks/memory.py [--doc-mb 100] [--tables 10000] [--series] [--keep DIR] [--quick]
    python benchmarks/memory.py --bounds [--findings 1000000] [--narrative-mb 3]

--bounds measures the two limits of issue 22 instead, each in a fresh process, and exits 1 when one
is not met: the peak RSS of checking a document of one-line tables that gives --findings findings
(JSON report to a file) stays under 200 MB, the findings held in memory being bounded (budgetlint.spill);
and a table whose 年度总体绩效目标 is the longest narrative read (valueread.MAX_NARRATIVE characters of
amounts and distinct sentences) is checked in under 2 s, start-up included; a narrative of --narrative-mb
MB, over that cap, is one BL004 finding, in under 2 s as well.

The inputs are generated from the clean realistic tables in examples/clean/
with varied values: every money amount of a table (funding cells, costs, the
amounts in its goal text) is multiplied by one random whole number, so each
table still adds up and the document stays clean — findings accumulate by
design, so a document full of defects would measure the findings, not the
reader — while the value cache sees new values.  Project names are numbered.
A sample of the generated tables is checked first and must give no finding.

Each measurement runs `budgetlint check … --format concise` (and the default
rich format for the document) in a fresh process and reads that process's
peak RSS from os.wait4 (ru_maxrss).  --series also checks documents of 1/8,
1/4 and 1/2 the size, to show the peak follows the largest table, not the
document.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections import deque
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CLEAN = sorted((ROOT / "examples" / "clean").glob("*.*"))
_NAME_ROW = re.compile(r"^(?:\|\s*)?项目名称(?:\s*\||\t)", re.M)
_INDICATOR_HEADER = re.compile(r"^(?:\|\s*)?一级指标", re.M)
_MONEY = re.compile(r"(\d+(?:\.\d+)?)(\s*)(万元|元)")
_BARE = re.compile(r"(?<=[|\t])(\s*)(\d+(?:\.\d+)?)(\s*)(?=[|\t]|$)", re.M)
_META = re.compile(r"^(?:部门|年度|单位)[:：].*$", re.M)
_TITLE_YEAR = re.compile(r"(\d{4})\s*年")


def templates() -> list[tuple[str, str]]:
    """(metadata lines, table text) for every table of the clean examples."""
    found = []
    for path in CLEAN:
        text = path.read_text(encoding="utf-8")
        meta = "\n".join(_META.findall(text))
        if "年度" not in meta:  # the year is in the title only: state it, since the tables get mixed
            meta += "\n年度：" + _TITLE_YEAR.search(text).group(1)
        starts = [match.start() for match in _NAME_ROW.finditer(text)]
        for start, end in zip(starts, [*starts[1:], len(text)]):
            table = text[start:end]
            heading = table.rfind("\n#")  # the next table's "## heading", if any
            found.append((meta, table[: heading + 1] if heading > 0 else table))
    return found


def scale(number: str, factor: int) -> str:
    whole, _, fraction = number.partition(".")
    value = (int(whole) * 10 ** len(fraction) + int(fraction or 0)) * factor
    text = str(value).rjust(len(fraction) + 1, "0")
    return f"{text[: -len(fraction)]}.{text[-len(fraction) :]}" if fraction else text


def vary(table: str, number: int, rng: random.Random) -> str:
    """The table with its money × a random whole number and its project name numbered."""
    factor = rng.randint(1, 40)
    split = _INDICATOR_HEADER.search(table)
    header, indicators = (table[: split.start()], table[split.start() :]) if split else (table, "")
    header = _BARE.sub(lambda m: m.group(1) + scale(m.group(2), factor) + m.group(3), header)
    table = _MONEY.sub(lambda m: scale(m.group(1), factor) + m.group(2) + m.group(3), header + indicators)
    return _number_name(table, number)


def _number_name(table: str, number: int) -> str:
    first, _, rest = table.partition("\n")
    cells = re.split(r"(\||\t)", first)
    for index in range(len(cells) - 1, -1, -1):  # the last non-empty cell is the name
        if cells[index].strip() and cells[index] not in ("|", "\t"):
            cells[index] = cells[index].rstrip() + f"（第{number}号）" + (" " if cells[index].endswith(" ") else "")
            break
    return "".join(cells) + "\n" + rest


def generate_document(path: Path, megabytes: float, seed: int = 1) -> int:
    """Write a clean document of about `megabytes` MB; return its number of tables."""
    rng = random.Random(seed)
    pool = templates()
    limit = int(megabytes * 1024 * 1024)
    written = tables = 0
    with path.open("w", encoding="utf-8") as out:
        out.write("# 2024年自治区本级部门项目支出预算绩效目标表（生成）\n\n")
        while written < limit:
            meta, table = rng.choice(pool)
            chunk = f"{meta}\n\n{vary(table, tables + 1, rng)}\n"
            out.write(chunk)
            written += len(chunk.encode("utf-8"))
            tables += 1
    return tables


def generate_folder(folder: Path, count: int, seed: int = 2) -> None:
    rng = random.Random(seed)
    pool = templates()
    for number in range(count):
        meta, table = rng.choice(pool)
        sub = folder / f"{number // 1000:02d}"
        sub.mkdir(parents=True, exist_ok=True)
        (sub / f"table-{number:05d}.md").write_text(f"{meta}\n\n{vary(table, number + 1, rng)}", encoding="utf-8")


def check_clean_sample(work: Path) -> None:
    """A 0.5 MB document generated the same way must give no finding at all."""
    from budgetlint.config import Config
    from budgetlint.engine import Linter

    sample = work / "sample.md"
    generate_document(sample, 0.5, seed=3)
    _, findings = Linter(Config(), "en").check_text(sample.read_text(encoding="utf-8"), str(sample))
    if findings:
        listing = "\n".join(f"  {f.path}:{f.span.line}:{f.span.column} {f.code} {f.message}" for f in findings[:20])
        sys.exit(f"the generated tables are not clean ({len(findings)} findings):\n{listing}")
    sample.unlink()


def measure(args: list[str]) -> tuple[float, float, int]:
    """(peak RSS in MB, wall seconds, exit code) of `budgetlint ARGS` in a fresh process."""
    command = [sys.executable, "-m", "budgetlint", *args]
    began = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - began
    process.returncode = os.waitstatus_to_exitcode(status)
    stderr = process.stderr.read().decode("utf-8", "replace") if process.stderr else ""
    if process.returncode not in (0, 1):
        sys.exit(f"budgetlint {' '.join(args)} exited {process.returncode}:\n{stderr}")
    return usage.ru_maxrss / 1024, elapsed, process.returncode  # ru_maxrss is in KB on Linux


def report(label: str, size: str, result: tuple[float, float, int]) -> None:
    rss, seconds, code = result
    print(f"{label:<34} {size:>12}  peak RSS {rss:7.1f} MB  {seconds:7.1f} s  exit {code}", flush=True)


ONE_LINE_TABLE = "| 项目名称 | x |\n"  # 7 findings (BL003, the header fields it lacks)
FINDINGS_LIMIT_MB = 200
NARRATIVE_LIMIT_S = 2.0


def narrative_table(megabytes: float, seed: int = 4, characters: int | None = None) -> str:
    """A table whose goal is a narrative of about `megabytes` MB (or of at most `characters` characters):
    amounts the indicators count, money, and sentences no two alike (which the repeat check, BL703,
    compares)."""
    rng = random.Random(seed)
    chars = [chr(code) for code in range(0x4E00, 0x4E00 + 3000)]
    parts, size, length, number = [], 0, 0, 0
    while characters is not None or size < megabytes * 2**20:
        number += 1
        words = "".join(rng.choice(chars) for _ in range(12))
        part = f"培训人员 8 人次，采购图书 120 册，支出 {number} 万元，{words}完成{number}项。"
        if characters is not None and length + len(part) > characters:
            break
        parts.append(part)
        size += len(part.encode("utf-8"))
        length += len(part)
    return (
        "| 项目名称 | 示例 |\n| 年度资金总额 | 100 |\n| 年度总体绩效目标 | "
        + "".join(parts)
        + " |\n| 一级指标 | 二级指标 | 三级指标 | 指标值 |\n| 产出指标 | 数量指标 | 培训人员 | 8 人次 |\n"
    )


def bounds(work: Path, findings: int, narrative_mb: float) -> int:
    """The two limits of issue 22 measured; 1 when one is not met."""
    import json

    failed = 0
    document = work / "one-line-tables.md"
    document.write_text(ONE_LINE_TABLE * -(-findings // 7), encoding="utf-8")
    report_file = work / "report.json"
    rss, seconds, code = measure(["check", str(document), "--format", "json", "--output", str(report_file)])
    with report_file.open(encoding="utf-8") as handle:  # the summary is the last line (the others not held:
        (last,) = deque(handle, maxlen=1)  # a child forked from a large parent starts with its peak RSS)
    found = json.loads("{" + last)["summary"]["findings"]
    verdict = "ok" if rss < FINDINGS_LIMIT_MB else f"OVER {FINDINGS_LIMIT_MB} MB"
    print(f"{found:,} findings (JSON report)  peak RSS {rss:7.1f} MB  {seconds:7.1f} s  exit {code}  {verdict}")
    failed |= rss >= FINDINGS_LIMIT_MB
    document.unlink()
    report_file.unlink()
    from budgetlint.valueread import MAX_NARRATIVE

    baseline = work / "small.md"
    baseline.write_text(narrative_table(0.001), encoding="utf-8")
    # --no-cache: the check itself is measured, not a result cache's hit
    _, start_up, _ = measure(["check", str(baseline), "--format", "concise", "--no-cache"])
    table = work / "narrative.md"
    for label, text in (
        (f"narrative at the cap ({MAX_NARRATIVE:,} characters)", narrative_table(0, characters=MAX_NARRATIVE)),
        (f"narrative of {narrative_mb:g} MB (over the cap)", narrative_table(narrative_mb)),
    ):
        table.write_text(text, encoding="utf-8")
        size = table.stat().st_size / 2**20
        rss, seconds, code = measure(["check", str(table), "--format", "concise", "--no-cache"])
        verdict = "ok" if seconds < NARRATIVE_LIMIT_S else f"OVER {NARRATIVE_LIMIT_S:g} s"
        print(
            f"{label}: a table of {len(text):,} characters, {size:.2f} MB  peak RSS {rss:7.1f} MB  {seconds:7.2f} s"
            f" (start-up {start_up:.2f} s)  exit {code}  {verdict}"
        )
        failed |= seconds >= NARRATIVE_LIMIT_S
    return int(bool(failed))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--doc-mb", type=float, default=100)
    parser.add_argument("--tables", type=int, default=10_000)
    parser.add_argument("--series", action="store_true", help="also 1/8, 1/4 and 1/2 of the document size")
    parser.add_argument("--keep", type=Path, help="write the inputs here and keep them")
    parser.add_argument(
        "--quick", action="store_true", help="a 10 MB document and 1,000 files (benchmarks/run.py --quick)"
    )
    parser.add_argument("--bounds", action="store_true", help="measure the findings and narrative limits only")
    parser.add_argument("--findings", type=int, default=1_000_000)
    parser.add_argument("--narrative-mb", type=float, default=3)
    args = parser.parse_args()
    if args.bounds:
        with tempfile.TemporaryDirectory(prefix="budgetlint-bounds-") as work:
            os.environ.setdefault("BUDGETLINT_CACHE_DIR", work)
            return bounds(Path(work), args.findings, args.narrative_mb)
    if args.quick:
        args.doc_mb, args.tables = min(args.doc_mb, 10), min(args.tables, 1000)
    os.environ.setdefault("BUDGETLINT_CACHE_DIR", tempfile.mkdtemp(prefix="budgetlint-memory-cache-"))
    work = args.keep or Path(tempfile.mkdtemp(prefix="budgetlint-memory-"))
    work.mkdir(parents=True, exist_ok=True)
    check_clean_sample(work)
    try:
        tiny = work / "tiny.md"
        generate_document(tiny, 0.01)
        report("baseline (one small document)", "10 KB", measure(["check", str(tiny), "--format", "concise"]))
        sizes = [args.doc_mb / 8, args.doc_mb / 4, args.doc_mb / 2, args.doc_mb] if args.series else [args.doc_mb]
        for megabytes in sizes:
            document = work / f"document-{megabytes:g}mb.md"
            tables = generate_document(document, megabytes)
            size = f"{document.stat().st_size / 2**20:.1f} MB"
            report(
                f"document, {tables} tables (concise)", size, measure(["check", str(document), "--format", "concise"])
            )
            if megabytes == args.doc_mb:
                report(f"document, {tables} tables (rich)", size, measure(["check", str(document)]))
            if not args.keep:
                document.unlink()
        folder = work / "folder"
        generate_folder(folder, args.tables)
        size = f"{sum(p.stat().st_size for p in folder.rglob('*.md')) / 2**20:.1f} MB"
        report(f"folder of {args.tables} files (concise)", size, measure(["check", str(folder), "--format", "concise"]))
        report(f"folder of {args.tables} files (json)", size, measure(["check", str(folder), "--format", "json"]))
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
