"""Checking in several processes (budgetlint.execute): the report is the one-process report, in order.

Many files go to a pool of workers; a large document is cut into stretches of whole tables, each
read from the reader state before it.  Whatever happens to the processes — none can start, one
dies, Ctrl-C — the user gets the one-process report (with a note) or a quiet stop.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import EXAMPLES, ctrl_c_reaches_it
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from budgetlint import execute
from budgetlint.cli import main
from budgetlint.runner import Runner

SEED = EXAMPLES / "ningxia-kexie-2024-performance-targets.txt"
PIPE_SEED = EXAMPLES / "ningxia-kexie-2024-performance-targets.md"
HEALTH = EXAMPLES / "clean" / "2025-health-projects.md"

pytestmark = pytest.mark.slow


def report(path: Path, jobs: int) -> tuple:
    """Everything a report shows of `path` checked with `jobs` processes."""
    result = Runner(lang="en", keep_sources=False).check_paths([path], jobs=jobs)
    findings = [(f.path, f.span, f.code, f.message, f.expected, f.actual, f.related, f.fix) for f in result.findings]
    return findings, [str(error) for error in result.errors], result.files, result.projects


@pytest.fixture
def shared(monkeypatch):
    """Large documents are shared from 1 KB on, in many stretches (every table boundary is tried), and the
    stretches actually made are recorded."""
    monkeypatch.setattr(execute, "LARGE", 1000)
    monkeypatch.setattr(execute, "STRETCHES", 16)
    monkeypatch.delenv("BUDGETLINT_DEBUG", raising=False)
    made: list[int] = []
    stretches = execute._stretches

    def recorded(linter, source, pieces):
        found = stretches(linter, source, pieces)
        made.append(0 if found is None else len(found))
        return found

    monkeypatch.setattr(execute, "_stretches", recorded)
    return made


def _no_children_left() -> bool:
    try:
        os.waitpid(-1, os.WNOHANG)
    except ChildProcessError:
        return True
    return False


# ==================================================================== many files
def test_processes_only_for_many_files_or_when_asked():
    assert execute.workers_for(0, execute.POOL_THRESHOLD - 1) == 1
    assert execute.workers_for(0, execute.POOL_THRESHOLD) == min(os.cpu_count() or 1, execute.MAX_WORKERS)
    assert execute.workers_for(1, 500) == 1
    assert execute.workers_for(2, 500) == 2
    assert execute.workers_for(4, 3) == 3  # never more workers than files


def test_many_files_give_the_one_process_report_in_its_order(tmp_path):
    sources = [SEED, *sorted((EXAMPLES / "clean").iterdir())]
    for index in range(20):
        source = sources[index % len(sources)]
        (tmp_path / f"doc{index:02}{source.suffix}").write_bytes(source.read_bytes())
    runner = CliRunner()
    one = runner.invoke(main, ["check", str(tmp_path), "--format", "json", "--jobs", "1"]).output
    two = runner.invoke(main, ["check", str(tmp_path), "--format", "json", "--jobs", "2"]).output
    auto = runner.invoke(main, ["check", str(tmp_path), "--format", "json"]).output
    assert one == two == auto
    data = json.loads(one)
    assert data["summary"]["files"] == 20 and data["summary"]["findings"] > 100


def test_errors_from_workers_are_kept_once(tmp_path):
    for index in range(18):
        (tmp_path / f"t{index:02}.md").write_bytes(b"\x00\x01binary" if index % 6 == 0 else HEALTH.read_bytes())
    result = Runner(lang="en").check_paths([tmp_path], jobs=2)
    assert len(result.errors) == 3 and result.files == 15


def test_without_processes_the_same_report_comes_from_this_one(tmp_path, monkeypatch, shared):
    for index in range(execute.POOL_THRESHOLD):
        (tmp_path / f"t{index:02}.md").write_bytes(PIPE_SEED.read_bytes())
    big = tmp_path / "big" / "seed.txt"
    big.parent.mkdir()
    big.write_bytes(SEED.read_bytes())
    expected = Runner(lang="en", keep_sources=False).check_paths([tmp_path], jobs=1)

    def no_processes(runner, workers):
        raise PermissionError(13, "Operation not permitted")

    monkeypatch.setattr(execute, "_pool", no_processes)
    many = Runner(lang="en", keep_sources=False).check_paths([tmp_path], jobs=2)
    large = Runner(lang="en", keep_sources=False).check_paths([big], jobs=0)
    assert many.findings == expected.findings and not many.errors
    assert any("worker processes unavailable (PermissionError" in note for note in many.notes)
    assert large.findings == [f for f in expected.findings if f.path.endswith("seed.txt")] and large.findings


@pytest.mark.parametrize("dies", ["at its first file", "at its third file"])
def test_a_worker_that_dies_leaves_its_files_to_this_process(tmp_path, monkeypatch, dies):
    for index in range(execute.POOL_THRESHOLD + 2):
        (tmp_path / f"t{index:02}.md").write_bytes(PIPE_SEED.read_bytes())
    expected = Runner(lang="en", keep_sources=False).check_paths([tmp_path], jobs=1)
    parent, real_check = os.getpid(), Runner.check_file
    started: list[Path] = []  # in the worker's own memory

    def check_file(self, file, explicit, result):
        if os.getpid() != parent:
            started.append(file)
            if len(started) == (1 if dies == "at its first file" else 3):
                os._exit(9)
        real_check(self, file, explicit, result)

    monkeypatch.setattr(Runner, "check_file", check_file)
    result = Runner(lang="en", keep_sources=False).check_paths([tmp_path], jobs=2)
    assert result.findings == expected.findings and result.files == expected.files and not result.errors
    assert any("worker processes unavailable (BrokenProcessPool" in note for note in result.notes)
    assert _no_children_left()


def test_an_internal_error_on_one_file_is_reported_and_the_others_still_checked(tmp_path, monkeypatch):
    from budgetlint.checks import kinds

    (tmp_path / "a.md").write_bytes(HEALTH.read_bytes())
    for index in range(execute.POOL_THRESHOLD):
        (tmp_path / f"b{index:02}.md").write_bytes(PIPE_SEED.read_bytes())
    kind = kinds()["placeholder"]

    def broken(project, params, ctx):
        if "学会" in project.name:  # only in the seed's tables
            raise ZeroDivisionError("a bug")
        yield from kind.fn(project, params, ctx)

    monkeypatch.setitem(kinds(), "placeholder", kind._replace(fn=broken))
    monkeypatch.delenv("BUDGETLINT_DEBUG", raising=False)
    for jobs in (1, 2):
        result = Runner(lang="en", keep_sources=False).check_paths([tmp_path], jobs=jobs)
        assert result.exit_code() == 2 and len(result.errors) == execute.POOL_THRESHOLD
        error = result.errors[0]
        assert error.path.endswith("b00.md") and "internal error" in error.message
        assert "ZeroDivisionError: a bug at test_execute.py:" in error.message
        assert result.files == 1 and not [f for f in result.findings if not f.path.endswith("a.md")]
    monkeypatch.setenv("BUDGETLINT_DEBUG", "1")
    with pytest.raises(ZeroDivisionError):
        Runner(lang="en", keep_sources=False).check_paths([tmp_path / "b00.md"], jobs=1)


def test_files_are_batched_large_first_and_a_file_each_at_the_end(tmp_path, monkeypatch):
    """Guided batches: in order, every file once, each about a share of the bytes left — so the last
    batches are single files and no worker checks a large batch alone while the other waits."""
    sizes = [5_000] * 150 + [60_000, 1_000, 1_000] + [5_000] * 47
    files = []
    for index, size in enumerate(sizes):
        path = tmp_path / f"doc{index:03}.md"
        path.write_bytes(b"x" * size)
        files.append((path, index % 2 == 0))
    batches = execute._batches(files, 2)
    assert [item for batch in batches for item in batch] == files
    assert len(batches[0]) > 20 and [len(batch) for batch in batches[-5:]] == [1] * 5
    total = sum(sizes)
    for batch in batches[1:]:  # none is much more than its share (a single large file may be)
        assert len(batch) == 1 or sum(path.stat().st_size for path, _ in batch) <= total / 8
    assert execute._batches([], 2) == [] and execute._batches(files[:1], 2) == [files[:1]]
    monkeypatch.setattr(execute, "BATCH_BYTES", 20_000)  # a worker never holds more than this
    capped = execute._batches(files, 2)
    assert [item for batch in capped for item in batch] == files
    assert all(len(batch) == 1 or sum(path.stat().st_size for path, _ in batch) <= 20_000 for batch in capped)


# ==================================================================== one large document
def test_a_large_document_shared_by_two_processes_gives_the_one_process_report(tmp_path, shared):
    lines = SEED.read_text(encoding="utf-8").split("\n")
    lines.insert(0, "| 本级资金 | 10 |")  # a row before any table: BL007, reported once
    lines.insert(24, "<!-- budgetlint: disable=BL502 -->")  # above the first 项目名称: that table only
    lines.insert(300, "<!-- budgetlint: disable=BL101 -->")  # suppresses nothing: BL009
    seed = SEED.read_text(encoding="utf-8")
    path = tmp_path / "big.txt"
    path.write_text("\n".join(lines) + "\n" + seed.replace("<p>", "") + "\n一段说明\n" + seed, encoding="utf-8")
    alone, two = report(path, 1), report(path, 2)
    assert two == alone
    assert shared and shared[-1] > 10  # it was shared, in many stretches
    codes = [finding[2] for finding in alone[0]]
    assert alone[3] == 57 and codes.count("BL007") == 1 and "BL009" in codes
    assert not [f for f in alone[0] if f[2] == "BL502" and f[1].line < 60]  # suppressed in the first table
    assert _no_children_left()


def test_directives_year_and_unit_carry_over_the_cuts(tmp_path, shared):
    """What one table passes to the next — 单位 and 年度 stated between tables, directives above a table
    and inside one — is the same whichever stretch the tables fall in."""
    seed = PIPE_SEED.read_text(encoding="utf-8")
    lines = seed.split("\n")
    first = Runner(lang="en", keep_sources=False).check_paths([PIPE_SEED], jobs=1)
    rows = sorted({f.span.line for f in first.findings if lines[f.span.line - 1].startswith("|  |")})
    assert len(rows) > 8
    for line in reversed(rows):
        lines.insert(line - 1, "<!-- budgetlint: disable -->")
    starts = [index for index, line in enumerate(lines) if line.startswith("| 项目名称")]
    for index in reversed(starts[3::4]):
        lines[index:index] = ["单位：元", "年度：2023", ""]
    path = tmp_path / "big.md"
    path.write_text("\n".join(lines), encoding="utf-8")
    alone, two = report(path, 1), report(path, 2)
    assert two == alone and shared[-1] > 10
    assert len(alone[0]) < len(first.findings)  # the directives suppressed findings (BL301s of 2023 added)
    assert any(f[2] == "BL301" for f in alone[0])  # deadlines of 2024 in the tables of 年度：2023


def test_a_directive_above_the_first_table_that_waits_for_a_table_to_end_is_not_cut_from_it(tmp_path, shared):
    """`disable-table` above a row outside any table covers up to the end of the first table: a stretch that
    ended before that table would leave it covering nothing (BL009 in two processes, not in one)."""
    preamble = "说明文字。\n" * 400  # long enough that a stretch could end before the first table
    text = "<!-- budgetlint: disable-table -->\n| 本级资金 | 10 |\n\n" + preamble + SEED.read_text(encoding="utf-8")
    path = tmp_path / "big.md"
    path.write_text(text, encoding="utf-8")
    alone, two = report(path, 1), report(path, 2)
    assert two == alone and shared[-1] > 5
    assert not [f for f in alone[0] if f[2] == "BL009"]


EXTRAS = [
    "<!-- budgetlint: disable -->",
    "<!-- budgetlint: disable=BL801 -->",
    "<!-- budgetlint: disable-table -->",
    "<!-- budgetlint: disable-next-row=BL502,BL801 -->",
    "<!-- budgetlint: disable-file=BL205 -->",
    "<!-- budgetlint: bogus -->",
    "",
    "一段说明",
    "## 2024年项目",
    "单位：元",
    "年度：2023",
    "(2025年度)",
    "| 本级资金 | 10 |",
    "| 项 目名称 | 拆开的标签 |",
    "<!-- a comment -->",
    "---",
]


def test_shuffled_documents_with_directives_anywhere_give_the_one_process_report(tmp_path_factory, shared):
    texts = [path.read_text(encoding="utf-8") for path in (PIPE_SEED, SEED, *sorted((EXAMPLES / "clean").iterdir()))]

    @settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(st.randoms(use_true_random=False))
    def check(rng: random.Random):
        lines = "\n\n".join(rng.sample(texts, 3)).split("\n")
        for _ in range(rng.randint(1, 30)):
            lines.insert(rng.randrange(len(lines)), rng.choice(EXTRAS))
        path = tmp_path_factory.mktemp("shuffled") / "doc.md"
        path.write_text("\n".join(lines), encoding="utf-8")
        assert report(path, 2) == report(path, 1)

    check()
    assert max(shared) > 10


@pytest.mark.parametrize("where", ["in a worker", "in every stretch"])
def test_a_bug_while_checking_a_large_document_is_that_file_internal_error(tmp_path, monkeypatch, shared, where):
    from budgetlint.checks import kinds

    big = tmp_path / "big.txt"
    big.write_bytes(SEED.read_bytes())
    small = tmp_path / "small" / "health.md"
    small.parent.mkdir()
    small.write_bytes(HEALTH.read_bytes())
    kind = kinds()["placeholder"]
    victim = "流动科技馆" if where == "in a worker" else "专项"

    def broken(project, params, ctx):
        if victim in project.name:
            raise ZeroDivisionError("a bug")
        yield from kind.fn(project, params, ctx)

    monkeypatch.setitem(kinds(), "placeholder", kind._replace(fn=broken))
    result = Runner(lang="en", keep_sources=False).check_paths([big, small], jobs=0)
    assert [(error.path, error.message.split(" at ")[0]) for error in result.errors] == [
        (str(big), "internal error, please report it: ZeroDivisionError: a bug")
    ]
    assert "test_execute.py" in result.errors[0].message  # where it was raised, in the worker
    assert result.files == 1 and result.projects == 4  # the other file, checked whole
    assert shared and _no_children_left()


@pytest.mark.parametrize("damage", ["gb18030", "a stray byte far in", "NUL far in", "CR line ends", "utf-8"])
def test_a_large_document_that_is_not_plain_utf8_reports_what_one_process_reports(tmp_path, shared, damage):
    text = "\n".join([SEED.read_text(encoding="utf-8")] * 3)  # past the first 64 KB
    data = {
        "gb18030": text.encode("gb18030"),
        "utf-8": text.encode(),
        "CR line ends": text.replace("\n", "\r\n").encode(),
    }.get(damage)
    if data is None:
        raw = text.encode()
        middle = raw.index(b"\n", len(raw) * 2 // 3) + 1
        data = raw[:middle] + (b"\xff" if damage == "a stray byte far in" else b"\x00") + raw[middle:]
    big = tmp_path / "big.txt"
    big.write_bytes(data)
    alone, two = report(big, 1), report(big, 0)
    assert two == alone
    assert (alone[1] != []) == (damage in ("NUL far in", "a stray byte far in"))  # its line, in both
    assert ("BL005" in [f[2] for f in alone[0]]) == (damage == "gb18030")
    assert (max(shared, default=0) > 10) == (damage == "utf-8")  # shared only where it is plain UTF-8 with LF line ends
    assert _no_children_left()


def test_damaged_large_documents_report_what_one_process_reports(tmp_path_factory, shared):
    """Property: random bytes put anywhere in a large document (stray bytes, NULs, control characters,
    another encoding's bytes, a BOM, a CR) give the one-process report — findings, BL005, the file's
    one-line error — and no traceback."""
    seed = SEED.read_bytes()
    insertion = st.tuples(
        st.floats(0, 1),
        st.sampled_from(
            [b"\xff", b"\x00", b"\x01\x02", b"\xc3", "项目".encode("gb18030"), b"\xef\xbb\xbf", b"\r", b"|\t|"]
        ),
    )

    @settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(st.lists(insertion, max_size=3))
    def check(insertions):
        data = seed * 2
        for where, piece in sorted(insertions, reverse=True):
            at = int(where * len(data))
            data = data[:at] + piece + data[at:]
        path = tmp_path_factory.mktemp("damaged") / "big.txt"
        path.write_bytes(data)
        assert report(path, 0) == report(path, 1)
        assert _no_children_left()

    check()


# ==================================================================== the console script
def test_the_console_script_ends_with_the_whole_report_and_its_exit_code(tmp_path):
    """`python -m budgetlint` leaves without tearing the interpreter down (entry._leave): the report is
    still written whole through a pipe, the exit code is the check's, and no worker is left running."""
    for index in range(17):  # a pool of workers
        (tmp_path / f"doc{index:02}.txt").write_bytes(SEED.read_bytes())
    args = ["check", str(tmp_path), "--format", "json", "--lang", "en"]
    console = subprocess.Popen(
        [sys.executable, "-m", "budgetlint", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    out, _ = console.communicate(timeout=300)
    with pytest.raises(ProcessLookupError):  # nothing left in its process group: the workers ended too
        os.killpg(console.pid, 0)
    library = CliRunner().invoke(main, args)
    assert console.returncode == library.exit_code == 1
    assert out == library.output
    assert json.loads(out)["summary"]["files"] == 17


def test_the_console_script_with_hundreds_of_files_ends(tmp_path):
    clean = HEALTH.read_text(encoding="utf-8")
    one = clean[: clean.index("| 项目名称", clean.index("| 项目名称") + 1)]  # the first table
    for index in range(400):
        (tmp_path / f"t{index:03}.md").write_text(one, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "budgetlint", "check", str(tmp_path), "--format", "concise"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0 and done.stderr == ""


CTRL_C = """
import os, sys, time
from budgetlint import execute, runner

real_check, parent, marker = runner.Runner.check_file, os.getpid(), sys.argv[2]


def check_file(self, file, explicit, result):
    if os.getpid() != parent:  # a worker: tells the test it is at work, then works for long
        open(marker, "a").close()
        time.sleep(600)
    real_check(self, file, explicit, result)


def check_stretch(task):
    open(marker, "a").close()
    time.sleep(600)


runner.Runner.check_file = check_file
execute._check_stretch = check_stretch
sys.argv = ["budgetlint", "check", sys.argv[1], "--format", "json"]
from budgetlint.entry import console

console()
"""


@pytest.mark.parametrize("work", ["a large document", "many files"])
def test_ctrl_c_stops_every_process_quietly(tmp_path, work):
    """Ctrl-C (SIGINT to the whole process group, as a terminal sends it) once the workers are at work:
    "Aborted!" and exit code 1, as click gives them, no traceback, no process left."""
    seed = SEED.read_text(encoding="utf-8")
    if work == "a large document":
        target = tmp_path / "big.txt"
        target.write_text("\n".join([seed] * 200), encoding="utf-8")  # ~8 MB: shared between processes
    else:
        target = tmp_path / "folder"
        target.mkdir()
        for index in range(150):
            (target / f"doc{index:03}.txt").write_text(seed, encoding="utf-8")
    started = tmp_path / "started"
    check = subprocess.Popen(
        [sys.executable, "-c", CTRL_C, str(target), str(started)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
        preexec_fn=ctrl_c_reaches_it,
    )
    try:
        while not started.exists():  # wait until a worker is at work (it then sleeps: no race with the end)
            assert check.poll() is None, check.communicate()
            os.sched_yield()
        os.killpg(check.pid, signal.SIGINT)
        out, err = check.communicate(timeout=120)
        assert (check.returncode, err, out) == (1, "Aborted!\n", "")
        with pytest.raises(ProcessLookupError):  # the workers were stopped and reaped before it ended
            os.killpg(check.pid, 0)
    finally:  # whatever failed, no sleeping worker is left behind
        try:
            os.killpg(check.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
