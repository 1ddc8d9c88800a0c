"""The result cache: `budgetlint check` on a folder of unchanged files, first run vs re-run.

    python benchmarks/cache.py [--files 1000] [--jobs 0] [--keep DIR]

The folder is generated from the realistic tables in examples/ (the clean examples, the Hunan table and
the Ningxia seed with its defects), each file a copy with its projects renamed (a number added), so that
every file is distinct and the report holds findings of every kind.  Each run is the command as users
run it, a fresh process (`python -m budgetlint check DIR --format concise`), timed end to end:

- warm-up: one file, so that the parser tables, unit factors and TOML data are cached in both runs;
- first run: the result cache is empty (every file checked, its result stored);
- re-run: nothing changed (every file's result from the cache);
- --no-cache: the same folder checked afresh, for reference.

The outputs of the three runs must be identical (checked here).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCES = [
    *sorted((ROOT / "examples" / "clean").glob("*.*")),
    ROOT / "examples" / "formats" / "hunan-2025.md",
    ROOT / "examples" / "ningxia-kexie-2024-performance-targets.md",
]
_NAME = re.compile(r"^(\|?\s*项目名称\s*[|\t]\s*)([^|\t\n]+?)(\s*(?:[|\t]|$))", re.M)


def generate(folder: Path, count: int) -> int:
    """`count` files in `folder` (in subfolders of 100), copies of SOURCES with numbered project names;
    their bytes in all."""
    texts = [(path.suffix, path.read_text(encoding="utf-8")) for path in SOURCES]
    total = 0
    for index in range(count):
        suffix, text = texts[index % len(texts)]
        renamed = _NAME.sub(lambda m, i=index: f"{m.group(1)}{m.group(2)}（{i}）{m.group(3)}", text)
        path = folder / f"part{index // 100:02d}" / f"doc{index:04d}{suffix}"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(renamed, encoding="utf-8")
        total += len(renamed.encode("utf-8"))
    return total


def timed(folder: Path, env: dict[str, str], *extra: str) -> tuple[float, str, str]:
    command = [sys.executable, "-m", "budgetlint", "check", str(folder), "--format", "concise", *extra]
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, env=env)
    elapsed = time.perf_counter() - start
    if done.returncode not in (0, 1):
        raise SystemExit(f"check failed ({done.returncode}): {done.stderr[:500]}")
    return elapsed, done.stdout, done.stderr


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=1000)
    parser.add_argument("--jobs", type=int, default=0)
    parser.add_argument("--keep", type=Path, help="generate the folder here and keep it")
    args = parser.parse_args()
    work = args.keep or Path(tempfile.mkdtemp(prefix="budgetlint-cache-bench-"))
    try:
        docs = work / "docs"
        if docs.exists():
            shutil.rmtree(docs)
        size = generate(docs, args.files)
        cache = work / "cache"
        shutil.rmtree(cache, ignore_errors=True)
        env = {**os.environ, "BUDGETLINT_CACHE_DIR": str(cache), "BUDGETLINT_CACHE_STATS": "1", "LANG": "C.UTF-8"}
        jobs = ("--jobs", str(args.jobs))
        timed(next(docs.rglob("*.md")), env, "--no-cache")  # warm-up: the parser, unit and TOML caches
        first, out_first, err_first = timed(docs, env, *jobs)
        again, out_again, err_again = timed(docs, env, *jobs)
        afresh, out_afresh, _ = timed(docs, env, "--no-cache", *jobs)
        if not out_first == out_again == out_afresh:
            raise SystemExit("the outputs differ: the cache does not reproduce the report")
        findings = out_first.count("\n")
        print(
            f"{args.files} files, {size / 1e6:.1f} MB, {findings} findings; {os.cpu_count()} cores, --jobs {args.jobs}"
        )
        print(f"  first run (empty result cache): {first:7.2f} s   {err_first.strip()}")
        print(f"  re-run (nothing changed):       {again:7.2f} s   {err_again.strip()}")
        print(f"  --no-cache:                     {afresh:7.2f} s")
        print(f"  re-run speed-up: {first / again:.1f}x")
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
