"""Type-check budgetlint with mypy: no error in the core, and no more elsewhere than recorded.

    python .ci/typecheck.py            # exit 1 on an error in the core or more errors than recorded
    python .ci/typecheck.py --record   # write the counts of today into .ci/mypy-budget.json

The core (CORE below) must type-check clean.  Every other module has a recorded count of errors
that CI lets go down, never up; when a change lowers it, --record writes the new figure.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BUDGET = ROOT / ".ci" / "mypy-budget.json"
# Modules (path prefixes) that must have no error at all: the grids, the reader, the model and its values,
# the checks, the engine and the findings, and what runs them in processes.
CORE: tuple[str, ...] = (
    "budgetlint/grid.py",
    "budgetlint/containers/",
    "budgetlint/reader.py",
    "budgetlint/suppression.py",
    "budgetlint/model.py",
    "budgetlint/values.py",
    "budgetlint/valueread.py",
    "budgetlint/lalr.py",
    "budgetlint/checks/",
    "budgetlint/engine.py",
    "budgetlint/findings.py",
    "budgetlint/record.py",
    "budgetlint/execute.py",
)
_ERROR = re.compile(r"^(?P<path>[^:]+\.py):\d+: error:")


def errors_by_file() -> Counter[str]:
    done = subprocess.run([sys.executable, "-m", "mypy"], cwd=ROOT, capture_output=True, text=True, check=False)
    if done.returncode not in (0, 1):
        raise SystemExit(f"mypy failed to run:\n{done.stdout}{done.stderr}")
    counts: Counter[str] = Counter()
    for line in done.stdout.splitlines():
        match = _ERROR.match(line)
        if match:
            counts[match.group("path")] += 1
    sys.stdout.write("".join(line + "\n" for line in done.stdout.splitlines() if _ERROR.match(line)))
    return counts


def main() -> int:
    counts = errors_by_file()
    core = {path: n for path, n in counts.items() if path.startswith(CORE)}
    rest = sum(n for path, n in counts.items() if path not in core)
    if "--record" in sys.argv:
        BUDGET.write_text(json.dumps({"outside_core": rest}, indent=2) + "\n", encoding="utf-8")
        print(f"recorded: {rest} errors outside the core")
        return 0
    allowed = json.loads(BUDGET.read_text(encoding="utf-8"))["outside_core"]
    failed = False
    if core:
        print(f"mypy: {sum(core.values())} errors in the core ({', '.join(sorted(core))}); it must have none")
        failed = True
    if rest > allowed:
        print(f"mypy: {rest} errors outside the core, more than the {allowed} recorded in {BUDGET.name}")
        failed = True
    elif rest < allowed:
        print(f"mypy: {rest} errors outside the core, fewer than the {allowed} recorded: run .ci/typecheck.py --record")
    print(f"mypy: core clean, {rest} errors elsewhere (at most {allowed})" if not failed else "mypy: FAILED")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
