"""Record the golden reports: the JSON of `budgetlint check` on every document the tests know.

    python tests/golden/record.py          # rewrite tests/golden/expected/ from the current code

The documents are the examples, the files under tests/data, and tests/golden/documents (the
tables written inline in the tests and the rule catalogue's examples, as they were when the
golden reports were first recorded).  tests/test_golden.py checks the current code against the
recorded reports; a change of behaviour is made on purpose by re-recording and reviewing the diff.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = ROOT / "tests" / "golden"
EXPECTED = GOLDEN / "expected"
LANGS = ("zh", "en")


def documents() -> list[str]:
    """Every golden document, as a path relative to the repository (the report's own spelling)."""
    found = []
    for folder in (ROOT / "examples", ROOT / "tests" / "data", GOLDEN / "documents"):
        # a document's oracle or expected findings (*.toml) is data about it, not a document
        found += [path for path in sorted(folder.rglob("*")) if path.is_file() and path.suffix != ".toml"]
    return [path.relative_to(ROOT).as_posix() for path in found]


def report(paths: list[str], lang: str) -> dict:
    """The JSON report of one `budgetlint check` over `paths`, run as a user runs it."""
    done = subprocess.run(
        [sys.executable, "-m", "budgetlint", "check", "--format", "json", "--lang", lang, "--fail-on", "never", *paths],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode not in (0, 2):
        raise RuntimeError(f"budgetlint check exited {done.returncode}: {done.stderr[-2000:]}")
    return json.loads(done.stdout)


def by_document(paths: list[str]) -> dict[str, dict]:
    """Each document's findings and errors, in each language."""
    out: dict[str, dict] = {path: {"path": path} for path in paths}
    for lang in LANGS:
        data = report(paths, lang)
        for path in paths:
            out[path][lang] = [f for f in data["findings"] if f["path"] == path]
        for path in paths:
            out[path].setdefault("errors", [e for e in data["errors"] if e["path"] == path])
    return out


def golden_name(path: str) -> str:
    return path.replace("/", "__") + ".json"


def dump(entry: dict) -> str:
    """One finding a line: a change shows as the lines of the findings it changed."""
    lines = ["{", f'"path": {json.dumps(entry["path"], ensure_ascii=False)},']
    lines.append(f'"errors": {json.dumps(entry["errors"], ensure_ascii=False)},')
    for index, lang in enumerate(LANGS):
        findings = entry[lang]
        body = ",\n".join(json.dumps(f, ensure_ascii=False, sort_keys=True) for f in findings)
        end = "," if index < len(LANGS) - 1 else ""
        lines.append(f'"{lang}": [\n{body}\n]{end}' if findings else f'"{lang}": []{end}')
    lines.append("}")
    return "\n".join(lines) + "\n"


def main() -> None:
    EXPECTED.mkdir(exist_ok=True)
    for old in EXPECTED.glob("*.json"):
        old.unlink()
    for path, entry in by_document(documents()).items():
        (EXPECTED / golden_name(path)).write_text(dump(entry), encoding="utf-8")


if __name__ == "__main__":
    main()
