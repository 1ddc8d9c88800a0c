"""The pre-commit hooks, installed by the real pre-commit from this checkout into a new git repository.

A table with an error makes the commit fail (and the fmt hook rewrites it);
after the fix the commit passes.  pre-commit builds the hook's environment
with pip from this checkout, so the test needs the package index (~30 s).
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, table

# What `pip install .` needs from this checkout (the working tree, as `pre-commit try-repo` would take it).
HOOK_REPO_FILES = ("pyproject.toml", "README.md", ".pre-commit-hooks.yaml", "budgetlint", "grammar", "rules")

BROKEN = table("""
    项目名称\t示例项目
    项目属性\t02-经常性项目\t项目期\t99年
    项目总额\t10\t其中：年度资金总额\t10
    其中：本级资金\t资金总额\t10\t其中：转移市县（区）资金\t资金总额\t0
    一级指标\t二级指标\t三级指标\t绩效值
    1-产出指标\t11-数量指标\t举办培训\t2 期
    3-满意度指标\t31-服务对象满意度\t参训人员满意度\t≥90%
""")
GOAL = "年度总体绩效目标\t举办培训 2 期。\n"


def _missing() -> str | None:
    if shutil.which("git") is None:
        return "git is not installed"
    if importlib.util.find_spec("pre_commit") is None:
        return "pre-commit is not installed (pip install -e '.[test]')"
    return None


pytestmark = [
    pytest.mark.slow,  # the real pre-commit in a new git repository
    pytest.mark.skipif(_missing() is not None, reason=f"pre-commit hook test needs git and pre-commit: {_missing()}"),
]


def readme_recipe() -> str:
    """The `.pre-commit-config.yaml` of the README's CI recipes."""
    import re

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    (recipe,) = [
        block for block in re.findall(r"```yaml\n(.*?)```", readme, re.S) if ".pre-commit-config.yaml" in block
    ]
    assert "<URL of this repository>" in recipe and "files: ^budgets/" in recipe
    return recipe


def sh(*args: str, cwd: Path, env: dict, check: bool = True) -> subprocess.CompletedProcess:
    done = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=900)
    if check and done.returncode != 0:
        raise AssertionError(f"{' '.join(args)} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    return done


def git_repo(path: Path, env: dict) -> None:
    path.mkdir(parents=True)
    sh("git", "init", "-q", cwd=path, env=env)
    sh("git", "config", "user.email", "test@example.com", cwd=path, env=env)
    sh("git", "config", "user.name", "budgetlint test", cwd=path, env=env)
    sh("git", "config", "commit.gpgsign", "false", cwd=path, env=env)


def test_commit_fails_on_an_error_and_passes_after_the_fix(tmp_path):
    env = {key: value for key, value in os.environ.items() if not key.startswith(("GIT_", "PRE_COMMIT"))}
    env.update(PRE_COMMIT_HOME=str(tmp_path / "pre-commit-home"), BUDGETLINT_LANG="en")

    hooks = tmp_path / "hooks"  # this checkout's working tree as a hook repository
    git_repo(hooks, env)
    for name in HOOK_REPO_FILES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, hooks / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            shutil.copy2(source, hooks / name)
    sh("git", "add", "-A", cwd=hooks, env=env)
    sh("git", "commit", "-q", "-m", "hooks", cwd=hooks, env=env)
    rev = sh("git", "rev-parse", "HEAD", cwd=hooks, env=env).stdout.strip()

    docs = tmp_path / "docs"
    git_repo(docs, env)
    # the README's recipe as written, with this checkout as the hook repository
    (docs / ".pre-commit-config.yaml").write_text(
        readme_recipe()
        .replace("<URL of this repository>", hooks.as_posix())
        .replace("<a tag or commit of budgetlint>", rev),
        encoding="utf-8",
    )
    sh(sys.executable, "-m", "pre_commit", "install", cwd=docs, env=env)
    (docs / "budgets").mkdir()
    table_file = docs / "budgets" / "预算.txt"
    table_file.write_text(BROKEN, encoding="utf-8")
    sh("git", "add", "-A", cwd=docs, env=env)

    failing = sh("git", "commit", "-m", "tables", cwd=docs, env=env, check=False)
    output = failing.stdout + failing.stderr
    assert failing.returncode != 0, output
    assert "missing '年度总体绩效目标': expected this field in the header, found none" in output
    assert "- hook id: budgetlint\n- exit code: 1" in output
    assert "- hook id: budgetlint-fmt\n- files were modified by this hook" in output
    assert sh("git", "rev-list", "--all", cwd=docs, env=env).stdout == ""  # nothing was committed
    assert table_file.read_text(encoding="utf-8").startswith("| 项目名称 ")  # the fmt hook rewrote it

    table_file.write_text(BROKEN.replace("一级指标", GOAL + "一级指标"), encoding="utf-8")
    sh(sys.executable, "-m", "budgetlint", "fmt", str(table_file.relative_to(docs)), cwd=docs, env=env)
    sh("git", "add", "-A", cwd=docs, env=env)
    passing = sh("git", "commit", "-m", "tables", cwd=docs, env=env, check=False)
    output = passing.stdout + passing.stderr
    assert passing.returncode == 0, output
    assert [line.split(".")[0] for line in output.splitlines() if line.endswith("Passed")] == [
        "budgetlint (check 预算绩效目标表)",
        "budgetlint fmt (canonical layout)",
    ]
    assert sh("git", "log", "--format=%s", cwd=docs, env=env).stdout == "tables\n"

    # A file the config excludes is named by the hook like any other: both hooks skip it (ruff's
    # --force-exclude) and the commit passes, the file as written.
    (docs / "budgetlint.toml").write_text('exclude = ["archive/"]\n', encoding="utf-8")
    (docs / "budgets" / "archive").mkdir()
    (docs / "budgets" / "archive" / "2019.txt").write_text(BROKEN, encoding="utf-8")
    sh("git", "add", "-A", cwd=docs, env=env)
    excluded = sh("git", "commit", "-m", "archive", cwd=docs, env=env, check=False)
    assert excluded.returncode == 0, excluded.stdout + excluded.stderr
    assert (docs / "budgets" / "archive" / "2019.txt").read_text(encoding="utf-8") == BROKEN
