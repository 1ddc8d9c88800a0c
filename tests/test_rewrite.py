"""Issue 22, safe rewrites: `check --fix` and `fmt` never lose an edit, serialise, refuse what they
cannot rewrite faithfully, keep line ends, owner, mode and extended attributes, and leave no
temporary file — with real processes.

Nothing here measures time: a rewrite is paused at a named stage by BUDGETLINT_TEST_HOOK
(budgetlint.rewrite._hook), and the test acts when the process says it has reached it.
"""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import CLEAN_TABLE, ctrl_c_reaches_it, this_checkout

from budgetlint.fmt import Formatter
from budgetlint.rewrite import TEMP_NAME, line_ends, with_ends

CLEAN = CLEAN_TABLE + "| 3-满意度指标 | 31-服务对象满意度 | 参训人员满意度 | ≥90% |\n"
FIXED = CLEAN
SATISFACTION = CLEAN.replace("| 参训人员满意度 | ≥90% |", "| 参训人员满意度 | 达90%以上 |")  # BL802, fix and fmt
BARE_WAN = CLEAN.replace("| 举办培训 | 5 万元/期 |", "| 举办培训 | 5 万/期 |")  # BL502: a safe fix fmt does not make
COMMANDS = {"fix": ["check", "--fix", "--format", "concise"], "fmt": ["fmt"]}


# budgetlint with a pause of the test's own rather than at a BUDGETLINT_TEST_HOOK stage, so that a test
# holds for any version of the code: argv[1] the folder of the marks, argv[2] where to pause — "read",
# once the document is read (in the first fix_text or Formatter.format_text), or "replace", as a new copy
# is renamed over a document — then budgetlint's arguments.  Pausing touches MARKS/paused and waits for
# MARKS/paused.go.
PAUSED = """
import os, runpy, sys, time
from pathlib import Path
from budgetlint import fixes, fmt

marks, where = Path(sys.argv[1]), sys.argv[2]


def pause():
    if not (marks / "paused").exists():
        (marks / "paused").touch()
        while not (marks / "paused.go").exists():
            time.sleep(0.01)


def pausing(fn):
    def paused(*args, **kwargs):
        pause()
        return fn(*args, **kwargs)
    return paused


def replace(source, target, *args, real=os.replace, **kwargs):
    if str(target).endswith(".md"):
        pause()
    return real(source, target, *args, **kwargs)


if where == "read":
    fixes.fix_text = pausing(fixes.fix_text)
    fmt.Formatter.format_text = pausing(fmt.Formatter.format_text)
else:
    os.replace = replace
sys.argv = ["budgetlint", *sys.argv[3:]]
runpy.run_module("budgetlint", run_name="__main__")
"""


def start(folder: Path, command: str, *paths: str, hook: str = "", pause: str = "") -> subprocess.Popen:
    """budgetlint `command` on `paths` in `folder`; paused at a test hook's stage (marks in folder/hooks),
    or at a PAUSED place (marks in folder/marks)."""
    env = this_checkout({**os.environ, "BUDGETLINT_LANG": "en"})
    env.pop("BUDGETLINT_DEBUG", None)
    env.pop("BUDGETLINT_TEST_HOOK", None)
    if hook:
        env["BUDGETLINT_TEST_HOOK"] = f"{hook}:{folder / 'hooks'}"
        (folder / "hooks").mkdir(exist_ok=True)
    argv = [sys.executable, "-m", "budgetlint", *COMMANDS[command], *paths]
    if pause:
        (folder / "marks").mkdir(exist_ok=True)
        argv = [sys.executable, "-c", PAUSED, str(folder / "marks"), pause, *argv[3:]]
    return subprocess.Popen(
        argv,
        cwd=folder,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=ctrl_c_reaches_it,  # the kill loop sends SIGINT too
    )


def run(folder: Path, command: str, *paths: str) -> tuple[int, str]:
    process = start(folder, command, *paths)
    out, err = process.communicate(timeout=120)
    return process.returncode, out + err


def reached(folder: Path, stage: str, process: subprocess.Popen, marks: str = "hooks", or_ended: bool = False) -> None:
    """Wait until `process` is paused at `stage` (fails, never hangs, if it ends first — unless `or_ended`:
    then its end is as good)."""
    mark = folder / marks / stage
    for _ in range(12000):  # a bound against a hang, not a measurement
        if mark.exists():
            return
        if process.poll() is not None:
            if or_ended:
                return
            pytest.fail(f"ended before {stage}: {process.communicate()}")
        time.sleep(0.01)
    process.kill()
    pytest.fail(f"never reached {stage}")


def release(folder: Path, stage: str, marks: str = "hooks") -> None:
    (folder / marks / f"{stage}.go").touch()


def temps(folder: Path) -> list[str]:
    return sorted(name for name in os.listdir(folder) if TEMP_NAME.match(name))


# ---------------------------------------------------------------- an edit during a rewrite
@pytest.mark.parametrize("command, doing", [("fix", "fixing"), ("fmt", "formatting")])
def test_an_edit_saved_during_a_rewrite_is_kept_and_reported(tmp_path, command, doing):
    path = tmp_path / "a.md"
    path.write_text(SATISFACTION, encoding="utf-8")
    process = start(tmp_path, command, "a.md", hook="before-replace")
    try:
        reached(tmp_path, "before-replace", process)
        edited = SATISFACTION.replace("示例项目", "用户刚改的名字")
        path.write_text(edited, encoding="utf-8")  # the editor saves while the new copy waits
        release(tmp_path, "before-replace")
        out, err = process.communicate(timeout=120)
    finally:
        process.kill()
    assert f"a.md: changed while {doing}, not rewritten" in err
    assert process.returncode == 2
    assert path.read_text(encoding="utf-8") == edited
    assert temps(tmp_path) == []


@pytest.mark.parametrize("command, doing", [("fix", "fixing"), ("fmt", "formatting")])
def test_an_edit_saved_after_the_file_was_read_is_kept(tmp_path, command, doing):
    """The same, paused where any version pauses (PAUSED): once the document is read and before its
    new text is worked out."""
    path = tmp_path / "a.md"
    path.write_text(SATISFACTION, encoding="utf-8")
    process = start(tmp_path, command, "a.md", pause="read")
    try:
        reached(tmp_path, "paused", process, "marks")
        edited = SATISFACTION.replace("示例项目", "用户刚改的名字")
        path.write_text(edited, encoding="utf-8")
        release(tmp_path, "paused", "marks")
        out, err = process.communicate(timeout=120)
    finally:
        process.kill()
    assert path.read_text(encoding="utf-8") == edited
    assert (process.returncode, f"a.md: changed while {doing}, not rewritten" in err) == (2, True), err


# ---------------------------------------------------------------- two rewriters at once
def fixed_then_formatted(tmp_path) -> bytes:
    """BARE_WAN fixed, then formatted, one after the other: what two rewriters at once must also give."""
    folder = tmp_path / "sequential"
    folder.mkdir()
    (folder / "a.md").write_text(BARE_WAN, encoding="utf-8")
    assert run(folder, "fix", "a.md")[0] == 0
    assert run(folder, "fmt", "a.md")[0] == 0
    return (folder / "a.md").read_bytes()


def test_fix_and_fmt_at_once_take_turns_and_keep_both_edits(tmp_path):
    expected = fixed_then_formatted(tmp_path)
    assert "5 万元/期" in expected.decode() and expected.decode() != BARE_WAN

    path = tmp_path / "a.md"
    path.write_text(BARE_WAN, encoding="utf-8")
    fixer = start(tmp_path, "fix", "a.md", hook="before-replace")
    formatter = None
    try:
        reached(tmp_path, "before-replace", fixer)  # the fixer holds the lock, its result not yet in place
        formatter = start(tmp_path, "fmt", "a.md", hook="lock-busy")
        reached(tmp_path, "lock-busy", formatter)  # fmt found the file locked and waits for it
        release(tmp_path, "lock-busy")
        release(tmp_path, "before-replace")
        fixed = fixer.communicate(timeout=120)
        formatted = formatter.communicate(timeout=120)
    finally:
        fixer.kill()
        if formatter is not None:
            formatter.kill()
    assert fixer.returncode == 0, fixed
    assert formatter.returncode == 0, formatted
    assert "fixed 1 finding in 1 file" in fixed[1]
    assert "reformatted a.md" in formatted[1]
    assert path.read_bytes() == expected  # fmt formatted the fixer's result: both edits are there


def test_fmt_started_while_fix_works_on_the_text_keeps_both_edits(tmp_path):
    """The same with the fixer paused once it has read the file (PAUSED): fmt, started then, either
    waits for the lock (it says so at the lock-busy stage) or, with no lock, runs to its end."""
    expected = fixed_then_formatted(tmp_path)

    path = tmp_path / "a.md"
    path.write_text(BARE_WAN, encoding="utf-8")
    fixer = start(tmp_path, "fix", "a.md", pause="read")
    formatter = None
    try:
        reached(tmp_path, "paused", fixer, "marks")
        formatter = start(tmp_path, "fmt", "a.md", hook="lock-busy")
        reached(tmp_path, "lock-busy", formatter, or_ended=True)  # waits for the lock, or ran to its end
        release(tmp_path, "lock-busy")
        release(tmp_path, "paused", "marks")
        fixed = fixer.communicate(timeout=120)
        formatted = formatter.communicate(timeout=120)
    finally:
        fixer.kill()
        if formatter is not None:
            formatter.kill()
    assert (fixer.returncode, formatter.returncode) == (0, 0), (fixed, formatted)
    assert path.read_bytes() == expected  # fmt formatted the fixer's result: both edits are there


# ---------------------------------------------------------------- refusals
@pytest.mark.parametrize("command", ["fix", "fmt"])
def test_a_read_only_file_is_refused_even_as_root(tmp_path, command):
    path = tmp_path / "a.md"
    path.write_text(SATISFACTION, encoding="utf-8")
    os.chmod(path, 0o444)
    code, output = run(tmp_path, command, "a.md")
    assert "a.md: read-only (mode 0444 gives you no write permission), not rewritten" in output
    assert code == 2
    assert path.read_text(encoding="utf-8") == SATISFACTION
    assert stat.S_IMODE(path.stat().st_mode) == 0o444


@pytest.mark.parametrize("command", ["fix", "fmt"])
def test_a_hard_linked_file_is_refused(tmp_path, command):
    path = tmp_path / "a.md"
    path.write_text(SATISFACTION, encoding="utf-8")
    os.link(path, tmp_path / "other-name.md.bak")
    code, output = run(tmp_path, command, "a.md")
    assert "a.md: has 2 hard links (rewriting would split them), not rewritten" in output
    assert code == 2
    assert path.read_text(encoding="utf-8") == SATISFACTION
    assert (tmp_path / "other-name.md.bak").stat().st_ino == path.stat().st_ino


def test_a_file_already_right_is_not_refused_for_being_read_only(tmp_path):
    path = tmp_path / "a.md"
    path.write_text(FIXED, encoding="utf-8")
    os.chmod(path, 0o444)
    assert run(tmp_path, "fix", "a.md") == (0, "budgetlint: fixed 0 findings in 0 files\n")


# ---------------------------------------------------------------- what a rewrite keeps
@pytest.mark.parametrize("end", ["\r", "\r\n", "\n"])
@pytest.mark.parametrize("command", ["fix", "fmt"])
def test_uniform_line_ends_are_kept_byte_for_byte(tmp_path, command, end):
    path = tmp_path / "a.md"
    path.write_bytes(SATISFACTION.replace("\n", end).encode("utf-8"))
    assert run(tmp_path, command, "a.md")[0] == 0
    data = path.read_bytes()
    other = {"\r": b"\n", "\n": b"\r", "\r\n": None}[end]
    assert "≥90%" in data.decode("utf-8")
    if end == "\r\n":
        assert data.count(b"\r\n") == data.count(b"\n") == data.count(b"\r")
    else:
        assert other not in data
    if command == "fix":
        assert data == FIXED.replace("\n", end).encode("utf-8")


def _mixed(text: str) -> tuple[str, list[str]]:
    lines = text.splitlines()
    ends = [("\r\n", "\n", "\r")[index % 3] for index in range(len(lines))]
    return "".join(line + end for line, end in zip(lines, ends)), ends


def test_mixed_line_ends_are_kept_line_by_line_by_fix(tmp_path):
    mixed, _ = _mixed(SATISFACTION)
    path = tmp_path / "a.md"
    path.write_bytes(mixed.encode("utf-8"))
    assert run(tmp_path, "fix", "a.md")[0] == 0
    assert path.read_bytes() == mixed.replace("达90%以上", "≥90%").encode("utf-8")


def test_mixed_line_ends_are_kept_line_by_line_by_fmt(tmp_path):
    """fmt adds a delimiter row after the indicator headings: it takes the ending of the line before it."""
    mixed, ends = _mixed(SATISFACTION)
    path = tmp_path / "a.md"
    path.write_bytes(mixed.encode("utf-8"))
    assert run(tmp_path, "fmt", "a.md")[0] == 0
    formatted = Formatter().format_text(SATISFACTION)
    assert formatted.origins is not None and None in formatted.origins  # a line added
    expected, previous = [], ""
    for line, origin in zip(formatted.text.splitlines(), formatted.origins):
        previous = ends[origin - 1] if origin is not None else previous
        expected.append(line + previous)
    assert path.read_bytes() == "".join(expected).encode("utf-8")


def test_with_ends_gives_an_added_line_the_ending_of_the_line_before_it():
    old = "a\nb\r\nc\r"
    ends = line_ends(old)
    assert ends == ["\n", "\r\n", "\r"]
    normal = "a\nb\nc\n"
    assert with_ends("a\nB\nnew\nc\n", ends, normal, [1, 2, None, 3]) == "a\nB\r\nnew\r\nc\r"
    assert with_ends("a\nB\nc\n", ends, normal) == "a\nB\r\nc\r"  # origins found by comparing lines
    assert with_ends("x\ny", ["\r"], "x\ny") == "x\ry"  # one kind of line end: everywhere
    assert line_ends("no end") == [""]


def test_owner_group_mode_and_extended_attributes_are_kept(tmp_path):
    path = tmp_path / "a.md"
    path.write_text(SATISFACTION, encoding="utf-8")
    os.chmod(path, 0o664)
    try:
        os.setxattr(path, "user.budgetlint.test", b"kept")
    except (AttributeError, OSError):
        pytest.skip("no extended attributes on this filesystem")
    owner = (path.stat().st_uid, path.stat().st_gid)
    if os.geteuid() == 0:  # root can give the file another owner: it must get it back
        owner = (65534, 0)  # written through the group bits (root's group)
        os.chown(path, *owner)
    for command in ("fix", "fmt"):
        path.write_text(SATISFACTION, encoding="utf-8")
        code, output = run(tmp_path, command, "a.md")
        assert code == 0, output
        info = path.stat()
        assert "≥90%" in path.read_text(encoding="utf-8")
        assert (info.st_uid, info.st_gid) == owner
        assert stat.S_IMODE(info.st_mode) == 0o664
        assert os.getxattr(path, "user.budgetlint.test") == b"kept"


@pytest.mark.parametrize("command", ["fix", "fmt"])
def test_extended_attributes_are_kept_on_a_file_of_ones_own(tmp_path, command):
    path = tmp_path / "a.md"
    path.write_text(SATISFACTION, encoding="utf-8")
    try:
        os.setxattr(path, "user.budgetlint.test", b"kept")
    except (AttributeError, OSError):
        pytest.skip("no extended attributes on this filesystem")
    code, output = run(tmp_path, command, "a.md")
    assert code == 0, output
    assert "≥90%" in path.read_text(encoding="utf-8")
    assert os.listxattr(path) == ["user.budgetlint.test"]
    assert os.getxattr(path, "user.budgetlint.test") == b"kept"


# ---------------------------------------------------------------- temporary files
def test_stale_temporary_files_of_ours_are_swept_and_no_others(tmp_path):
    path = tmp_path / "a.md"
    path.write_text(SATISFACTION, encoding="utf-8")
    stale = tmp_path / ".a.md.~budgetlint-123-0badc0de.tmp"
    fresh = tmp_path / ".b.md.~budgetlint-456-00c0ffee.tmp"  # maybe another rewriter's, at work now
    foreign = tmp_path / ".a.md.swp"
    for name in (stale, fresh, foreign):
        name.write_text("x")
    old = time.time() - 3600
    os.utime(stale, (old, old))
    os.utime(foreign, (old, old))
    assert run(tmp_path, "fmt", "a.md")[0] == 0
    assert not stale.exists()
    assert fresh.exists() and foreign.exists()


@pytest.mark.parametrize("stage", ["temp-open", "before-replace"])
@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
@pytest.mark.parametrize("command", ["fix", "fmt"])
def test_a_killed_rewrite_leaves_no_temporary_file_and_the_file_whole(tmp_path, stage, signum, command):
    path = tmp_path / "a.md"
    path.write_text(SATISFACTION, encoding="utf-8")
    for round_ in range(3):
        process = start(tmp_path, command, "a.md", hook=stage)
        try:
            reached(tmp_path, stage, process)
            assert len(temps(tmp_path)) == 1  # the new copy is there, not yet renamed
            process.send_signal(signum)
            process.communicate(timeout=120)
        finally:
            process.kill()
        assert process.returncode != 0
        assert temps(tmp_path) == [], round_
        assert path.read_text(encoding="utf-8") == SATISFACTION
        (tmp_path / "hooks" / stage).unlink()


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
@pytest.mark.parametrize("command", ["fix", "fmt"])
def test_a_rewrite_stopped_as_it_renames_leaves_only_the_document(tmp_path, signum, command):
    """The same, stopped where any version is (PAUSED): the new copy written, not yet renamed."""
    docs = tmp_path / "docs"
    docs.mkdir()
    path = docs / "a.md"
    path.write_text(SATISFACTION, encoding="utf-8")
    process = start(tmp_path, command, "docs/a.md", pause="replace")
    try:
        reached(tmp_path, "paused", process, "marks")
        assert len(os.listdir(docs)) == 2  # the document and its new copy
        process.send_signal(signum)
        process.communicate(timeout=120)
    finally:
        process.kill()
    assert process.returncode != 0
    assert os.listdir(docs) == ["a.md"]
    assert path.read_text(encoding="utf-8") == SATISFACTION


# ---------------------------------------------------------------- as an unprivileged user
def _as_nobody() -> list[str]:
    """The prefix that runs a command as nobody (for root with setpriv), else the test is skipped."""
    import grp
    import shutil

    setpriv = shutil.which("setpriv")
    if os.geteuid() != 0 or setpriv is None:
        pytest.skip("needs root and setpriv to run as nobody")
    group = next((name for name in ("nogroup", "nobody") if name in {g.gr_name for g in grp.getgrall()}), None)
    if group is None:
        pytest.skip("no group for nobody")
    return [setpriv, "--reuid=nobody", f"--regid={group}", "--clear-groups"]


@pytest.mark.parametrize("command", ["fix", "fmt"])
def test_as_nobody_root_files_are_refused_by_their_mode_bits_and_owner(command):
    import shutil
    import tempfile

    prefix = _as_nobody()
    base = Path(tempfile.mkdtemp(prefix="budgetlint-nobody-"))  # not under /tmp/pytest-of-root (0700)
    try:
        os.chmod(base, 0o777)
        for name, mode in (("other-read-only.md", 0o644), ("everyone-writes.md", 0o666)):
            (base / name).write_text(SATISFACTION, encoding="utf-8")
            os.chmod(base / name, mode)
        env = this_checkout({**os.environ, "BUDGETLINT_LANG": "en", "BUDGETLINT_CACHE_DIR": str(base / ".cache")})
        env.pop("BUDGETLINT_TEST_HOOK", None)
        argv = [*prefix, sys.executable, "-m", "budgetlint", *COMMANDS[command], "."]
        if subprocess.run([*prefix, sys.executable, "-c", "import budgetlint"], cwd=base, env=env).returncode:
            pytest.skip("nobody cannot import budgetlint here")
        result = subprocess.run(argv, cwd=base, env=env, capture_output=True, text=True, timeout=120)
        output = result.stdout + result.stderr
        assert "other-read-only.md: read-only (mode 0644 gives you no write permission), not rewritten" in output
        assert "everyone-writes.md: owned by another user (the rewritten file would become yours)" in output
        assert result.returncode == 2
        for name in ("other-read-only.md", "everyone-writes.md"):
            assert (base / name).read_text(encoding="utf-8") == SATISFACTION
            assert (base / name).stat().st_uid == 0
        assert temps(base) == []
    finally:
        shutil.rmtree(base)
