"""Where the throughput goes, in instructions: deterministic where wall time on a shared VM is not.

    python benchmarks/instructions.py [--chars 250000]

Runs the stages of checking a slice of the generated benchmark document under valgrind's callgrind
(instruction counts; ~50× slower than native, so the slice is small) and subtracts the same run on a
tiny document, leaving the work that grows with the input:

    lines   classify every line and split the rows into cells   (budgetlint.containers.text)
    read    + read the grids into the model                     (budgetlint.reader)
    check   + every rule, messages completed                    (budgetlint.engine.Linter.check_tables)

Two versions of the code compare by pointing --tree at another checkout, or side by side with
--against (the goal: at most 10 % more instructions than that checkout).  Needs valgrind.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

STAGE = r"""
import sys
sys.path.insert(0, sys.argv[1])
from budgetlint.engine import Linter
text = open(sys.argv[2], encoding="utf-8").read()
linter = Linter()
stage = sys.argv[3]
try:  # the reader of grids
    from budgetlint.containers.text import blocks, iter_lines
    from budgetlint.model import Document

    def read():
        return linter.reader.projects(blocks(text), Document(path="x"))

    def check():
        document = Document(path="x")
        linter.check_tables(linter.reader.projects(blocks(text), document), document, None)
except ImportError:  # an older checkout (lines → Builder)
    from budgetlint.build import Builder
    from budgetlint.syntax import iter_lines

    def read():
        return linter.builder.iter_projects(text, Builder.new_document(text, "x"))

    def check():
        linter.collect(text, "x")
if stage == "lines":
    for line in iter_lines(text):
        if line.kind == "row":
            line.filled
elif stage == "read":
    for project in read():
        pass
else:
    check()
"""

ENV = {
    key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"
}  # as installed: bytecode cached


def instructions(tree: Path, document: Path, stage: str) -> int:
    out = subprocess.run(
        [
            "valgrind",
            "--tool=callgrind",
            "--callgrind-out-file=/dev/null",
            sys.executable,
            "-c",
            STAGE,
            str(tree),
            str(document),
            stage,
        ],
        capture_output=True,
        text=True,
        env=ENV,
        check=True,
    )
    match = re.search(r"Collected\s*:\s*(\d+)", out.stderr)
    if match is None:
        raise SystemExit(f"valgrind gave no count:\n{out.stderr[-2000:]}")
    return int(match.group(1))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--chars", type=int, default=250_000, help="characters of the generated document")
    parser.add_argument("--tree", type=Path, default=ROOT, help="the checkout whose budgetlint is measured")
    parser.add_argument("--against", type=Path, help="another checkout to compare with (goal: ≤ 1.10×)")
    options = parser.parse_args()
    if shutil.which("valgrind") is None:
        raise SystemExit("valgrind is not installed (apt install valgrind)")
    from run import generate

    text = generate(options.chars * 3 / 1024 / 1024)
    body = text[: text.index("\n", options.chars) + 1]
    tiny = text[: text.index("\n", 8_000) + 1]
    with tempfile.TemporaryDirectory() as folder:
        big, small = Path(folder) / "big.md", Path(folder) / "tiny.md"
        big.write_text(body, encoding="utf-8")
        small.write_text(tiny, encoding="utf-8")
        totals = {}
        for tree in [options.tree] + ([options.against] if options.against else []):
            totals[tree] = measure(tree, big, small, len(body))
    if options.against:
        ratio = totals[options.tree] / totals[options.against]
        verdict = "ok" if ratio <= 1.10 else "MISSED"
        print(f"{options.tree} against {options.against}: {ratio:.3f}× the instructions (goal ≤ 1.10×)  {verdict}")


def measure(tree: Path, big: Path, small: Path, characters: int) -> int:
    """The instructions of each stage on `big` beyond those on `small`, printed; their total."""
    # A first run byte-compiles whatever changed since the last (~40 M instructions, which would
    # land on whichever stage ran first); measure after it.
    subprocess.run(
        [sys.executable, "-c", STAGE, str(tree), str(small), "check"], env=ENV, capture_output=True, check=True
    )
    counts = {
        stage: instructions(tree, big, stage) - instructions(tree, small, stage) for stage in ("lines", "read", "check")
    }
    total = counts["check"]
    parts = {"lines": counts["lines"], "model": counts["read"] - counts["lines"], "rules": total - counts["read"]}
    print(f"{tree}: {characters:,} characters, {total / 1e6:,.0f} M instructions in all")
    for name, count in parts.items():
        print(f"  {name:<6} {count / 1e6:8,.0f} M  {100 * count / total:5.1f} %")
    return total


if __name__ == "__main__":
    main()
