"""The reports of `budgetlint check` on every known document stay as recorded (tests/golden).

A difference fails with the document and the first findings that differ.  A change of behaviour
made on purpose is recorded again with `python tests/golden/record.py`, and its diff reviewed.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent / "golden"))
import record  # noqa: E402  (tests/golden/record.py)

pytestmark = pytest.mark.slow  # budgetlint check run as a user runs it, on 216 documents


@pytest.fixture(scope="module")
def current() -> dict[str, dict]:
    return record.by_document(record.documents())


def test_every_recorded_document_still_exists():
    recorded = {path.name for path in record.EXPECTED.glob("*.json")}
    assert recorded == {record.golden_name(path) for path in record.documents()}


@pytest.mark.parametrize("path", record.documents())
def test_the_report_is_the_recorded_one(current, path):
    expected = json.loads((record.EXPECTED / record.golden_name(path)).read_text(encoding="utf-8"))
    got = json.loads(record.dump(current[path]))
    assert got["errors"] == expected["errors"]
    for lang in record.LANGS:
        missing = [f for f in expected[lang] if f not in got[lang]]
        extra = [f for f in got[lang] if f not in expected[lang]]
        assert not missing and not extra, f"{lang}: no longer reported {missing[:3]}; newly reported {extra[:3]}"
        assert got[lang] == expected[lang], f"{lang}: the same findings in another order"
