"""The console script: a plain `check` line is read without click, with click's exact behaviour."""

from __future__ import annotations

import subprocess
import sys

import pytest
from conftest import EXAMPLES, SEED

from budgetlint.checkcmd import CHECK_OPTIONS, fast_parse

CLEAN = str(EXAMPLES / "clean" / "2025-health-projects.md")


def run(args, via_click: bool):
    code = "from budgetlint.cli import main; main()" if via_click else "from budgetlint.entry import main; main()"
    completed = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=120)
    return completed.returncode, completed.stdout


@pytest.mark.parametrize(
    "args",
    [
        ["check", CLEAN, "--format", "concise"],
        ["check", str(SEED), "--format=json", "--lang", "en"],
        ["check", str(SEED), "--format", "concise", "--select", "BL2,BL7", "--fail-on", "never"],
        ["check", str(SEED), "--format", "concise", "--ignore", "BL8", "-j", "1", "--no-color"],
        ["check", str(SEED), "--format", "github", "--fiscal-year", "2025", "--", CLEAN],
        ["check", "--format", "concise", "no-such-file.md"],
        ["check", "--color", CLEAN, "--lang", "en"],
        ["check", "--color", "never", CLEAN, "--color=always", "-q"],
        ["check", str(SEED), "--statistics", "--format", "concise"],
    ],
)
def test_fast_path_gives_what_click_gives(args):
    assert fast_parse(args[1:]) is not None
    assert run(args, via_click=False) == run(args, via_click=True)


@pytest.mark.parametrize(
    "args",
    [["--help"], ["--format", "xml"], ["--jobs", "-1"], ["--colour"], ["-jx"], ["--fix=yes"], ["--format"]],
)
def test_anything_unusual_goes_to_click(args):
    assert fast_parse(args) is None


def test_usage_errors_exit_two_either_way():
    fast = run(["check", str(SEED), "--unsafe-fixes"], via_click=False)
    slow = run(["check", str(SEED), "--unsafe-fixes"], via_click=True)
    assert fast[0] == slow[0] == 2


def test_the_fast_path_does_not_import_click():
    completed = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "budgetlint", "check", CLEAN, "--format", "concise"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert completed.returncode == 0
    imported = {line.split("|")[-1].strip() for line in completed.stderr.splitlines() if "|" in line}
    assert "budgetlint.runner" in imported and "click" not in imported and "rich" not in imported


def test_every_option_is_declared_once():
    flags = [flag for opt in CHECK_OPTIONS for flag in opt.flags]
    assert len(flags) == len(set(flags))
    dests = [opt.dest for opt in CHECK_OPTIONS]
    assert len(dests) == len(set(dests))
