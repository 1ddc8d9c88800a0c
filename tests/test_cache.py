"""The result cache (issue 21) and the trust of every cache (issue 22, item 8).

Hits and misses are counted (ResultCache.hits/misses, BUDGETLINT_CACHE_STATS), never timed.
"""

from __future__ import annotations

import marshal
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import CLEAN_TABLE, ROOT

from budgetlint import __version__
from budgetlint.cli import main
from budgetlint.resources import MAGIC, _stamp, content_key, digest, rules_path
from budgetlint.resultcache import ResultCache
from budgetlint.runner import Runner

CLEAN = CLEAN_TABLE + "| 3-满意度指标 | 31-服务对象满意度 | 参训人员满意度 | ≥90% |\n"
FIXABLE = CLEAN.replace("| 培训合格率 | ≥90% |", "| 培训合格率 | 达到90% |")  # BL802, a safe fix
CLEAN_EXAMPLE = "examples/clean/2025-health-projects.md"


@pytest.fixture
def cache(tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("BUDGETLINT_CACHE_DIR", str(folder))
    return folder


def docs(folder: Path, count: int) -> list[Path]:
    folder.mkdir(exist_ok=True)
    paths = []
    for index in range(count):
        path = folder / f"d{index:02d}.md"
        path.write_text(FIXABLE.replace("示例项目", f"项目{index}"), encoding="utf-8")
        paths.append(path)
    return paths


def check(*paths: Path, jobs: int = 1, **options) -> tuple[Runner, object]:
    runner = Runner(lang="en", cache=True, **options)
    return runner, runner.check_paths(list(paths), jobs=jobs)


def same(a, b) -> bool:
    return [repr(f) for f in a.findings] == [repr(f) for f in b.findings] and (
        a.errors,
        a.notes,
        a.files,
        a.projects,
        a.sources,
        a.checked,
    ) == (b.errors, b.notes, b.files, b.projects, b.sources, b.checked)


# ==================================================================== the result cache
def test_an_unchanged_file_is_a_hit_with_the_very_same_result(cache, tmp_path):
    files = docs(tmp_path / "d", 3)
    first_runner, first = check(*files)
    assert (first_runner.results.hits, first_runner.results.misses) == (0, 3)
    again_runner, again = check(*files)
    assert (again_runner.results.hits, again_runner.results.misses) == (3, 0)
    assert same(first, again) and first.findings and all(f.fix is not None for f in again.findings)
    fresh = Runner(lang="en").check_paths(files, jobs=1)  # no cache at all
    assert same(fresh, again)


def test_hits_are_read_one_at_a_time_as_their_turn_comes(cache, tmp_path, monkeypatch):
    """The results of a folder's hits are never held together: each is read when it is merged, so at most
    one is read and not yet merged; a file whose entry is gone meanwhile is checked after all."""
    from budgetlint import runner as runner_module
    from budgetlint.resultcache import ResultCache

    files = docs(tmp_path / "d", 6)
    _, first = check(*files)
    outstanding, most = [0], [0]
    real_get, real_merge = ResultCache.get, runner_module._merge

    def get(self, key):
        outstanding[0] += 1
        most[0] = max(most[0], outstanding[0])
        if key == gone[0]:
            self._path(key).unlink()  # removed after the pre-pass saw it (another run trimming the folder)
        return real_get(self, key)

    def merge(into, part):
        outstanding[0] = 0
        real_merge(into, part)

    gone = [None]
    monkeypatch.setattr(ResultCache, "get", get)
    monkeypatch.setattr(runner_module, "_merge", merge)
    runner = Runner(lang="en", cache=True)
    runner.results = ResultCache.open()
    gone[0] = runner._cache_key(files[3], True)
    again = runner.check_paths(files, jobs=1)
    assert most[0] == 1
    assert (runner.results.hits, runner.results.misses) == (5, 1)
    assert same(first, again)


@pytest.mark.parametrize("fmt", ["rich", "concise", "json", "sarif", "github", "gitlab", "junit"])
def test_a_hit_prints_what_a_check_prints_in_every_format(cache, fmt):
    args = ["check", "examples/", "--lang", "en", "--format", fmt, "--color", "always"]
    fresh = CliRunner().invoke(main, [*args, "--no-cache"])
    CliRunner().invoke(main, args)  # fills the cache
    hit = CliRunner().invoke(main, args, env={"BUDGETLINT_CACHE_STATS": "1"})
    assert "result cache: " in hit.stderr and " 0 misses" in hit.stderr
    assert hit.stdout == fresh.stdout and hit.exit_code == fresh.exit_code == 1


def test_an_edit_a_config_or_another_language_is_a_miss(cache, tmp_path):
    files = docs(tmp_path / "d", 3)
    check(*files)
    files[1].write_text(CLEAN, encoding="utf-8")
    runner, result = check(*files)
    assert (runner.results.hits, runner.results.misses) == (2, 1)
    assert {f.path for f in result.findings} == {str(files[0]), str(files[2])}
    runner, _ = check(*files, overrides={"ignore": ("BL802",)})  # --ignore BL802
    assert runner.results.misses == 3
    runner = Runner(lang="zh", cache=True)
    runner.check_paths(files, jobs=1)
    assert runner.results.misses == 3
    (tmp_path / "d" / "budgetlint.toml").write_text('ignore = ["BL802"]\n', encoding="utf-8")
    runner = Runner(lang="en", cache=True, config_path=tmp_path / "d" / "budgetlint.toml")
    result = runner.check_paths(files, jobs=1)
    assert runner.results.misses == 3 and result.findings == []


def test_an_edited_rule_pack_is_a_miss(cache, tmp_path):
    folder = tmp_path / "d"
    files = docs(folder, 2)
    pack = tmp_path / "pack.toml"
    pack.write_text('units = ""\n', encoding="utf-8")
    config = folder / "budgetlint.toml"
    config.write_text(f'packs = ["{pack.as_posix()}"]\n', encoding="utf-8")
    runner = Runner(lang="en", cache=True, config_path=config)
    runner.check_paths(files, jobs=1)
    runner = Runner(lang="en", cache=True, config_path=config)
    runner.check_paths(files, jobs=1)
    assert (runner.results.hits, runner.results.misses) == (2, 0)
    pack.write_text('units = ""\n# edited\n', encoding="utf-8")
    runner = Runner(lang="en", cache=True, config_path=config)
    runner.check_paths(files, jobs=1)
    assert (runner.results.hits, runner.results.misses) == (0, 2)


def entries(cache: Path) -> list[Path]:
    return sorted((cache / "results").glob("*.result"))


@pytest.mark.parametrize("damage", ["truncated", "flipped", "foreign", "garbage"])
def test_a_corrupt_truncated_or_foreign_entry_is_a_miss(cache, tmp_path, damage):
    files = docs(tmp_path / "d", 2)
    _, first = check(*files)
    one, other = entries(cache)
    data = one.read_bytes()
    if damage == "truncated":
        one.write_bytes(data[: len(data) // 2])
    elif damage == "flipped":
        one.write_bytes(data[:-5] + bytes([data[-5] ^ 1]) + data[-4:])
    elif damage == "foreign":
        one.write_bytes(other.read_bytes())  # another file's result under this one's key
    else:
        one.write_bytes(b"\x00" * 100)
    runner, again = check(*files)
    assert (runner.results.hits, runner.results.misses) == (1, 1)
    assert same(first, again)


def test_fix_works_on_a_warm_cache(cache, tmp_path):
    path = docs(tmp_path / "d", 1)[0]
    for _ in range(2):
        assert CliRunner().invoke(main, ["check", str(path), "--format", "concise"]).exit_code in (0, 1)
    fixed = CliRunner().invoke(main, ["check", str(path), "--fix", "--format", "concise", "--lang", "en"])
    assert "≥90%" in path.read_text(encoding="utf-8") and "达到90%" not in path.read_text(encoding="utf-8")
    assert "BL802" not in fixed.stdout


def test_worker_processes_fill_the_cache(cache, tmp_path):
    files = docs(tmp_path / "d", 20)
    _, first = check(tmp_path / "d", jobs=2)
    assert len(entries(cache)) == 20
    runner, again = check(tmp_path / "d", jobs=2)
    assert (runner.results.hits, runner.results.misses) == (20, 0)
    assert same(first, again) and len(again.findings) == len(files)


def test_no_cache_and_config_cache_false_neither_use_nor_fill_it(cache, tmp_path):
    folder = tmp_path / "d"
    docs(folder, 2)
    plain = CliRunner().invoke(main, ["check", str(folder), "--no-cache", "--format", "concise", "--show-info"])
    assert plain.exit_code == 0 and plain.stdout.count("BL802") == 2
    assert not (cache / "results").exists()
    off = tmp_path / "off"  # folders of their own: configs are read once a process
    files = docs(off, 2)
    (off / "budgetlint.toml").write_text("cache = false\n", encoding="utf-8")
    runner, _ = check(*files)
    assert not entries(cache) and (runner.results.hits, runner.results.misses) == (0, 0)
    wrong = tmp_path / "wrong"
    docs(wrong, 1)
    (wrong / "budgetlint.toml").write_text('cache = "no"\n', encoding="utf-8")
    bad = CliRunner().invoke(main, ["check", str(wrong)])
    assert bad.exit_code == 2 and "cache: expected true or false" in bad.output


def test_the_folder_is_bounded_the_least_recently_used_go_first(tmp_path):
    results = ResultCache(tmp_path / "results")
    for index in range(10):
        results.put(b"key%d" % index, Runner().check_paths([], jobs=1))
    paths = sorted((tmp_path / "results").glob("*.result"))
    assert len(paths) == 10
    for age, index in enumerate(range(10)):  # key0 oldest … key9 newest
        os.utime(results._path(b"key%d" % index), ns=(10**18 + age * 10**9, 10**18 + age * 10**9))
    results.get(b"key0")  # used: now the newest
    assert results.trim(max_entries=5) == 6  # down to 90% of 5
    kept = {index for index in range(10) if results._path(b"key%d" % index).exists()}
    assert kept == {0, 7, 8, 9}


# ==================================================================== trust: every cache
def planted(folder: Path) -> None:
    """A unit table where 万元 = 1 元, sealed with a key of the planter's own, as someone who can write
    `folder` would make it."""
    from budgetlint.units import build_table_with_pint

    folder.mkdir(parents=True, exist_ok=True)
    key = b"k" * 32
    (folder / "key").write_bytes(key)
    text = rules_path("units.txt").read_text(encoding="utf-8")
    source = f"{__version__}\n{text}".encode()
    table = build_table_with_pint()
    table["万元"] = ["万元", "[currency]", "1"]
    payload = marshal.dumps(table)
    stamp = _stamp(source)
    entry = MAGIC + stamp + digest(stamp + payload, key) + payload
    (folder / f"units-{content_key(source)}.marshal").write_bytes(entry)


def run(env: dict, *args: str) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "budgetlint", "check", CLEAN_EXAMPLE, "--format", "concise", "--lang", "en"]
    return subprocess.run([*command, *args], capture_output=True, text=True, cwd=ROOT, env={**os.environ, **env})


def test_a_planted_table_in_a_folder_of_ours_bites(tmp_path):
    """The control for the tests below: the plant works where the folder is trusted (whoever can write
    our private folder is us), so that refusing a folder is what keeps a clean example clean."""
    folder = tmp_path / "ours"
    planted(folder)
    folder.chmod(0o700)
    bitten = run({"BUDGETLINT_CACHE_DIR": str(folder)}, "--no-cache")
    assert "BL201" in bitten.stdout


@pytest.mark.skipif(not hasattr(os, "chown") or os.geteuid() != 0, reason="needs root to give a folder away")
def test_a_planted_unit_table_in_a_foreign_owned_fallback_folder_is_not_used(tmp_path):
    blocked = tmp_path / "file"
    blocked.write_text("", encoding="utf-8")  # ~/.cache cannot be made: the fallback in $TMPDIR is tried
    temp = tmp_path / "tmp"
    fallback = temp / f"budgetlint-cache-{os.geteuid()}"
    planted(fallback)
    fallback.chmod(0o700)
    for path in [fallback, *fallback.iterdir()]:
        os.chown(path, 65534, 65534)
    result = run({"XDG_CACHE_HOME": str(blocked / "sub"), "TMPDIR": str(temp)})
    assert result.returncode == 0 and result.stdout == ""
    assert (
        result.stderr == f"budgetlint: cache: {fallback}: owned by another user (uid 65534): running without a cache\n"
    )


@pytest.mark.skipif(not hasattr(os, "chown") or os.geteuid() != 0, reason="needs root to give a folder away")
def test_a_folder_another_user_made_at_the_shared_fallback_name_is_left_alone(tmp_path):
    """Issue 22 item 8 as found, for any version: ~/.cache cannot be made, and $TMPDIR/budgetlint-cache
    (the fallback then, shared by every user) was made by another user, writable by its owner only, as
    someone planting a table would.  Nothing in it is read or written, and the clean example stays clean."""
    blocked = tmp_path / "file"
    blocked.write_text("", encoding="utf-8")
    temp = tmp_path / "tmp"
    shared = temp / "budgetlint-cache"
    shared.mkdir(parents=True)
    shared.chmod(0o755)
    os.chown(shared, 65534, 65534)
    env = {
        "HOME": str(blocked),
        "XDG_CACHE_HOME": str(blocked / "sub"),
        "TMPDIR": str(temp),
        "BUDGETLINT_CACHE_DIR": "",
    }
    result = run(env)
    assert result.returncode == 0 and result.stdout == "", result.stdout[-500:]
    assert sorted(os.listdir(shared)) == []


def test_a_folder_others_may_write_is_not_used_with_one_note(tmp_path):
    folder = tmp_path / "open"
    planted(folder)
    folder.chmod(0o777)
    result = run({"BUDGETLINT_CACHE_DIR": str(folder)}, "examples/clean/", "--jobs", "2")
    assert result.returncode == 0 and result.stdout == ""
    assert (
        result.stderr
        == f"budgetlint: cache: {folder}: writable by group or others (mode 777): running without a cache\n"
    )
    assert not (folder / "results").exists()


def test_a_cache_dir_named_that_cannot_be_made_is_no_cache_with_one_note(tmp_path):
    """BUDGETLINT_CACHE_DIR naming a file (or a folder under one): no cache and one note, never a fallback
    folder the user did not name."""
    taken = tmp_path / "a-file"
    taken.write_text("", encoding="utf-8")
    temp = tmp_path / "tmp"
    temp.mkdir()
    for named in (taken, taken / "sub"):
        result = run({"BUDGETLINT_CACHE_DIR": str(named), "TMPDIR": str(temp)})
        assert result.returncode == 0 and result.stdout == ""
        assert result.stderr.startswith(f"budgetlint: cache: BUDGETLINT_CACHE_DIR={named}: ")
        assert result.stderr.endswith(": running without a cache\n") and result.stderr.count("\n") == 1
        assert list(temp.iterdir()) == []


def test_an_entry_sealed_with_another_key_or_tampered_is_a_miss(tmp_path):
    folder = tmp_path / "ours"
    env = {"BUDGETLINT_CACHE_DIR": str(folder)}
    assert run(env).returncode == 0  # our own cache, filled
    ours = (folder / "key").read_bytes()
    (folder / "results").rename(tmp_path / "results")  # the unit table is read again below
    [units] = folder.glob("units-*.marshal")
    good = units.read_bytes()
    planted(folder)  # a unit table sealed with another key …
    (folder / "key").write_bytes(ours)  # … in a folder whose key is still ours
    assert run(env, "--no-cache").stdout == ""
    table = marshal.loads(good[len(MAGIC) + 32 :])
    table["万元"] = ["万元", "[currency]", "1"]
    units.write_bytes(good[: len(MAGIC) + 32] + marshal.dumps(table))  # tampered: the seal no longer matches
    assert run(env, "--no-cache").stdout == ""
    assert marshal.loads(units.read_bytes()[len(MAGIC) + 32 :])["万元"][2] == "1E+4"  # derived again, stored


def test_the_cache_folder_is_made_private(tmp_path):
    folder = tmp_path / "new" / "budgetlint"
    assert run({"XDG_CACHE_HOME": str(tmp_path / "new")}).returncode == 0
    assert (folder.stat().st_mode & 0o777) == 0o700
    assert all((path.stat().st_mode & 0o077) == 0 for path in folder.iterdir())


def test_examples_are_still_checked_with_a_copy_of_the_cache_elsewhere(tmp_path):
    """A cache folder copied whole (key and all) to another place still works: entries name no folder."""
    folder = tmp_path / "a"
    assert run({"BUDGETLINT_CACHE_DIR": str(folder)}).returncode == 0
    shutil.copytree(folder, tmp_path / "b")
    (tmp_path / "b").chmod(0o700)
    again = run({"BUDGETLINT_CACHE_DIR": str(tmp_path / "b"), "BUDGETLINT_CACHE_STATS": "1"})
    assert again.returncode == 0 and "1 hits, 0 misses" in again.stderr
