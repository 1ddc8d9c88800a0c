"""Issue 21: a folder's walk respects .gitignore and .ignore (nested files, `!` negation), as ruff does;
`--no-respect-gitignore` turns it off; a file named on the command line is checked all the same."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner
from conftest import CLEAN_TABLE

from budgetlint.checkcmd import fast_parse
from budgetlint.cli import main

CLEAN = CLEAN_TABLE + "| 3-满意度指标 | 31-服务对象满意度 | 参训人员满意度 | ≥90% |\n"


def run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def checked(folder: Path, *args: str) -> list[str]:
    """The documents a check of `folder` reads (relative, sorted), from the JUnit report's suites."""
    from xml.etree import ElementTree as ET

    result = run("check", str(folder), "--format", "junit", *args)
    assert result.exit_code == 0, result.output
    names = [suite.get("name") for suite in ET.fromstring(result.stdout).findall("testsuite")]
    return sorted(Path(name).relative_to(folder).as_posix() for name in names)


def tree(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def test_gitignore_in_a_repository_with_nested_files_and_negation(tmp_path):
    repo = tree(
        tmp_path / "repo",
        {
            ".gitignore": "build/\n*.tmp.md\n/drafts/*.md\n!drafts/keep.md\n",
            "a.md": CLEAN,
            "x.tmp.md": CLEAN,
            "build/b.md": CLEAN,
            "drafts/d.md": CLEAN,
            "drafts/keep.md": CLEAN,
            "sub/.gitignore": "local.md\n!x.tmp.md\n",
            "sub/local.md": CLEAN,
            "sub/x.tmp.md": CLEAN,  # re-included below: the nearer file decides
            "sub/c.md": CLEAN,
            "other/local.md": CLEAN,  # sub/.gitignore applies below sub/ only
            "notes/.ignore": "*.md\n",
            "notes/n.md": CLEAN,
        },
    )
    (repo / ".git" / "info").mkdir(parents=True)
    (repo / ".git" / "info" / "exclude").write_text("private.md\n", encoding="utf-8")
    (repo / "private.md").write_text(CLEAN, encoding="utf-8")
    assert checked(repo) == ["a.md", "drafts/keep.md", "other/local.md", "sub/c.md", "sub/x.tmp.md"]
    everything = checked(repo, "--no-respect-gitignore")
    assert len(everything) == 11 and "build/b.md" in everything and "notes/n.md" in everything
    # a sub-folder checked on its own: the repository's .gitignore above it still applies
    assert checked(repo / "drafts") == ["keep.md"]
    assert fast_parse(["--no-respect-gitignore", "a.md"])["respect_gitignore"] is False
    assert fast_parse(["a.md"])["respect_gitignore"] is True


def test_ignore_files_outside_a_repository_apply_from_the_walked_folder_down(tmp_path):
    (tmp_path / ".gitignore").write_text("*.md\n", encoding="utf-8")  # above the walk, and no repository
    folder = tree(tmp_path / "docs", {".gitignore": "old/\n", "a.md": CLEAN, "old/o.md": CLEAN})
    assert checked(folder) == ["a.md"]


def test_a_file_named_on_the_command_line_is_checked_though_ignored(tmp_path):
    repo = tree(tmp_path, {".gitignore": "drafts/\n", "drafts/d.md": CLEAN, "a.md": CLEAN})
    (repo / ".git").mkdir()
    result = run("check", str(repo / "drafts" / "d.md"), "--format", "json")
    assert result.exit_code == 0 and json.loads(result.stdout)["summary"]["files"] == 1
    assert checked(repo / "drafts") == ["d.md"]  # a folder named explicitly is walked too


def test_a_folder_whose_files_are_all_ignored_says_so(tmp_path):
    repo = tree(tmp_path, {".gitignore": "*.md\n", "a.md": CLEAN})
    (repo / ".git").mkdir()
    result = run("check", str(repo), "--format", "concise")
    assert result.exit_code == 2
    assert "ignored by .gitignore or .ignore" in result.output and "--no-respect-gitignore" in result.output
    assert run("check", str(repo), "--no-respect-gitignore", "--format", "concise").exit_code == 0
