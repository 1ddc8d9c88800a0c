"""The README runs as written: its usage commands, its config block with the pack it names, its CI
recipes' commands and its Neovim snippet, in a fresh folder, as a user would copy them."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
from conftest import EXAMPLES, ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")
TABLE = EXAMPLES / "ningxia-kexie-2024-performance-targets.md"  # the seed's pipe twin: real findings


def section(title: str) -> str:
    """The README's `## title` section, up to the next `## `."""
    start = README.index(f"\n## {title}")
    end = README.find("\n## ", start + 1)
    return README[start : end if end != -1 else None]


def blocks(text: str, language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", text, re.S)


def shell(command: str, cwd: Path) -> subprocess.CompletedProcess:
    """One command as a user types it, with this Python's `budgetlint` first on PATH."""
    env = dict(os.environ, PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}")
    env.pop("BUDGETLINT_DEBUG", None)
    return subprocess.run(["bash", "-c", command], cwd=cwd, env=env, capture_output=True, text=True, timeout=300)


@pytest.fixture
def documents(tmp_path: Path) -> Path:
    """A document repository: a.md, docs/ and budgets/ holding tables with findings."""
    shutil.copy(TABLE, tmp_path / "a.md")
    shutil.copy(EXAMPLES / "formats" / "hunan-2025.xlsx", tmp_path / "budget.xlsx")
    for folder in ("docs", "budgets"):
        (tmp_path / folder).mkdir()
        shutil.copy(TABLE, tmp_path / folder / "a.md")
        shutil.copy(EXAMPLES / "clean" / "2025-health-projects.md", tmp_path / folder / "health.md")
    return tmp_path


def usage_commands() -> list[str]:
    (block,) = blocks(section("Usage"), "sh")
    return [line for line in block.splitlines() if line.startswith("budgetlint ")]


def test_the_usage_section_lists_the_commands():
    commands = usage_commands()
    assert len(commands) >= 15
    assert {command.split()[1] for command in commands} >= {"check", "parse", "rules", "explain"}


def test_every_usage_command_runs_as_written_in_order(documents):
    """The block as a user runs it, line after line in one folder (the baseline written, then used)."""
    for command in usage_commands():
        result = shell(command, documents)
        assert "Traceback" not in result.stderr + result.stdout
        # a table with real defects: 1 (findings) or 0; never 2 (a usage, config or input error)
        assert result.returncode in (0, 1), (command, result.stdout[-800:], result.stderr[-800:])
    assert (documents / "baseline.json").is_file() and (documents / "budget.xlsx.md").is_file()


def test_the_config_block_runs_as_written_with_the_pack_it_names(documents):
    (block,) = blocks(section("Configuration"), "toml")
    (documents / "pyproject.toml").write_text(block, encoding="utf-8")
    packs = re.search(r"^packs = (\[.*?\])", block, re.M)
    assert packs, "the config example names a pack"
    for pack in json.loads(packs.group(1)):
        (documents / pack).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(ROOT / pack, documents / pack)
    result = shell("budgetlint check a.md --format json", documents)
    assert result.returncode in (0, 1), result.stdout[-800:] + result.stderr[-800:]
    codes = [finding["code"] for finding in json.loads(result.stdout)["findings"]]
    assert "BL801" not in codes  # the block ignores it

    # the pack makes 师生 a unit: the seed's BL501 on it goes (without the pack it is there)
    def unknown_units(report: str) -> list[str]:
        return [f["actual"] for f in json.loads(report)["findings"] if f["code"] == "BL501"]

    assert "师生" in unknown_units(shell(f"budgetlint check {TABLE} --format json", ROOT).stdout)
    assert "师生" not in unknown_units(result.stdout)


def test_the_gitlab_recipe_writes_code_quality_json_of_the_published_shape(documents):
    recipe = section("CI recipes")
    (gitlab,) = [block for block in blocks(recipe, "yaml") if ".gitlab-ci.yml" in block]
    commands = [line.strip()[2:] for line in gitlab.splitlines() if line.strip().startswith("- budgetlint ")]
    assert commands, "the GitLab recipe runs budgetlint"
    for command in commands:
        result = shell(command, documents)
        assert result.returncode == 1, result.stderr  # the seed has errors: the job fails
    report = json.loads((documents / "gl-code-quality.json").read_text(encoding="utf-8"))
    schema = json.loads((ROOT / "tests" / "schemas" / "gitlab-codequality.json").read_text(encoding="utf-8"))
    jsonschema.validate(report, schema)
    assert report and all(issue["location"]["path"].startswith("budgets/") for issue in report)


def test_the_github_recipe_commands_run(documents):
    recipe = section("CI recipes")
    (github,) = [block for block in blocks(recipe, "yaml") if ".github/workflows" in block]
    commands = [line.strip()[len("- run: ") :] for line in github.splitlines() if "run: budgetlint " in line]
    assert len(commands) == 2
    for command in commands:
        result = shell(command, documents)
        assert "Traceback" not in result.stderr
        assert result.returncode == (0 if "--fail-on never" in command else 1), result.stderr
    sarif = json.loads((documents / "budgetlint.sarif").read_text(encoding="utf-8"))
    assert sarif["version"] == "2.1.0" and sarif["runs"][0]["results"]


def test_a_check_of_the_repository_reports_nothing_from_the_readme():
    result = shell("budgetlint check README.md benchmarks/README.md --format json", ROOT)
    # Markdown without a project table is not a table: named, it is one line and exit 2, never a finding
    assert "Traceback" not in result.stderr
    findings = json.loads(result.stdout)["findings"] if result.stdout.strip() else []
    assert [f for f in findings if not f["code"].startswith("E")] == []


@pytest.mark.skipif(shutil.which("nvim") is None, reason="Neovim is not installed (apt install neovim)")
def test_the_neovim_snippet_attaches_in_a_real_neovim(tmp_path):
    snippet = next(block for block in blocks(section("Editors: `budgetlint lsp`"), "lua") if "start_client" in block)
    (tmp_path / "init.lua").write_text(snippet, encoding="utf-8")
    shutil.copy(TABLE, tmp_path / "seed.md")
    (tmp_path / "probe.lua").write_text(
        "local function wait()\n"
        "  if #vim.diagnostic.get(0) > 0 or vim.loop.now() > deadline then\n"
        "    io.stdout:write('diagnostics ' .. #vim.diagnostic.get(0) .. '\\n'); vim.cmd('qa!')\n"
        "  else vim.defer_fn(wait, 200) end\n"
        "end\n"
        "deadline = vim.loop.now() + 60000\n"
        "vim.defer_fn(wait, 200)\n",
        encoding="utf-8",
    )
    result = shell("nvim --headless -u init.lua -c 'luafile probe.lua' seed.md", tmp_path)
    expected = json.loads(shell("budgetlint check seed.md --format json", tmp_path).stdout)["findings"]
    assert f"diagnostics {len(expected)}" in result.stdout + result.stderr
