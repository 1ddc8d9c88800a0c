"""The worker pool: started only for many files, and the results identical and in the same order."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import EXAMPLES

from budgetlint.cli import main
from budgetlint.engine import Linter
from budgetlint.runner import POOL_THRESHOLD, Runner, _workers


def test_no_pool_below_the_threshold_or_when_asked_for_one_job():
    assert _workers(0, POOL_THRESHOLD - 1) == 1
    assert _workers(1, 500) == 1
    assert _workers(2, 500) == 2
    assert _workers(4, 3) == 3  # never more workers than files


@pytest.fixture(params=["forked", "pool"])
def many_files(request, monkeypatch):
    """How many files are shared out: checkers forked from this process (Linux), or a process pool (where
    processes are not forked)."""
    import budgetlint.runner as runner_module

    if request.param == "pool":
        monkeypatch.setattr(runner_module, "_FORKS", False)
    return request.param


def test_pool_and_sequential_give_the_same_report(tmp_path, many_files):
    sources = [
        SEED := (EXAMPLES / "ningxia-kexie-2024-performance-targets.txt"),
        *sorted((EXAMPLES / "clean").iterdir()),
    ]
    for index in range(20):
        source = sources[index % len(sources)]
        (tmp_path / f"doc{index:02}{source.suffix}").write_text(source.read_text(encoding="utf-8"), encoding="utf-8")
    runner = CliRunner()
    one = runner.invoke(main, ["check", str(tmp_path), "--format", "json", "--jobs", "1"]).output
    two = runner.invoke(main, ["check", str(tmp_path), "--format", "json", "--jobs", "2"]).output
    auto = runner.invoke(main, ["check", str(tmp_path), "--format", "json"]).output
    assert one == two == auto
    data = json.loads(one)
    assert data["summary"]["files"] == 20 and data["summary"]["findings"] > 100
    assert SEED.exists()


def test_completed_findings_cross_processes_whole():
    """pack/unpack (how a worker's findings reach the parent) keep every field; args travel as their text."""
    from budgetlint.engine import Linter
    from budgetlint.findings import format_value, pack, unpack
    from budgetlint.record import fields

    _, findings = Linter().check_text(
        (EXAMPLES / "ningxia-kexie-2024-performance-targets.txt").read_text(encoding="utf-8")
    )
    assert any(f.fix for f in findings) and any(f.related for f in findings)
    assert any(type(value) is not str for f in findings for value in f.args.values())  # numbers among the args
    back = unpack(pack(findings))
    assert len(back) == len(findings)
    for sent, got in zip(findings, back):
        for name in fields(sent):
            if name == "args":
                assert got.args == {key: format_value(value) for key, value in sent.args.items()}
            else:
                assert getattr(got, name) == getattr(sent, name), name
        assert type(got.span).__name__ == "Span" and all(type(r.span).__name__ == "Span" for r in got.related)
        assert sent.expected is None or type(sent.expected) is str  # completed: text, whatever the check gave


def test_pool_keeps_errors_once(tmp_path, many_files):
    for index in range(18):
        (tmp_path / f"t{index:02}.md").write_bytes(
            b"\x00\x01binary" if index % 6 == 0 else (EXAMPLES / "clean" / "2025-health-projects.md").read_bytes()
        )
    result = Runner(lang="en").check_paths([tmp_path], jobs=2)
    assert len(result.errors) == 3 and result.files == 15


@pytest.mark.parametrize("frame", [1, 7, None])
def test_one_large_document_read_by_two_processes_gives_the_same_report(tmp_path, monkeypatch, frame):
    """…whether the other reader sends its findings a table at a time, a few tables at a time, or (the
    seed's ~100 findings under the default frame) all at the end."""
    import budgetlint.runner as runner_module

    if frame is not None:
        monkeypatch.setattr(runner_module, "FRAME_FINDINGS", frame)

    seed = (EXAMPLES / "ningxia-kexie-2024-performance-targets.txt").read_text(encoding="utf-8")
    lines = seed.split("\n")
    lines.insert(0, "| 本级资金 | 10 |")  # a row before any table: BL007, reported once
    lines.insert(24, "<!-- budgetlint: disable=BL502 -->")  # above the first 项目名称: that table only
    lines.insert(300, "<!-- budgetlint: disable=BL101 -->")  # suppresses nothing: BL009
    text = "\n".join(lines) + "\n" + seed.replace("<p>", "") + "\n一段说明\n" + seed
    path = tmp_path / "big.txt"
    path.write_text(text, encoding="utf-8")
    monkeypatch.setattr(runner_module, "BIG_FILE", 1000)

    def report(jobs):
        result = Runner(lang="en", keep_sources=False).check_paths([path], jobs=jobs)
        return [(f.code, f.span, f.message, f.project) for f in result.findings], result.projects

    alone, shared = report(1), report(2)
    assert shared == alone
    codes = [code for code, *_ in alone[0]]
    assert alone[1] == 57 and codes.count("BL007") == 1 and "BL009" in codes
    assert sum(1 for code, span, *_ in alone[0] if code == "BL502" and span.line < 60) == 0  # suppressed


class _NoProcesses:
    """A ProcessPoolExecutor that cannot start (a sandbox without processes or /dev/shm)."""

    def __init__(self, *args, **kwargs):
        raise PermissionError(13, "Operation not permitted")


def _no_fork():
    raise PermissionError(1, "Operation not permitted")


def test_without_worker_processes_the_same_report_comes_from_one_process(tmp_path, monkeypatch):
    import concurrent.futures

    import budgetlint.runner as runner_module

    for index in range(POOL_THRESHOLD):
        (tmp_path / f"t{index:02}.md").write_bytes(
            (EXAMPLES / "ningxia-kexie-2024-performance-targets.md").read_bytes()
        )
    big = tmp_path / "big" / "seed.txt"
    big.parent.mkdir()
    big.write_bytes((EXAMPLES / "ningxia-kexie-2024-performance-targets.txt").read_bytes())
    expected = Runner(lang="en", keep_sources=False).check_paths([tmp_path], jobs=1)
    monkeypatch.setattr(concurrent.futures, "ProcessPoolExecutor", _NoProcesses)
    monkeypatch.setattr(os, "fork", _no_fork)  # how the readers of one large document start
    monkeypatch.setattr(runner_module, "BIG_FILE", 1000)
    many = Runner(lang="en", keep_sources=False).check_paths([tmp_path], jobs=2)  # the many-files pool
    shared = Runner(lang="en", keep_sources=False).check_paths([big], jobs=0)  # one large document
    assert many.findings == expected.findings and not many.errors
    assert any("worker processes unavailable (PermissionError" in note for note in many.notes)
    assert shared.findings == [f for f in expected.findings if f.path.endswith("seed.txt")] and shared.findings
    assert any("read in one process" in note for note in shared.notes)


def test_an_internal_error_on_one_file_is_reported_and_the_others_still_checked(tmp_path, monkeypatch):
    from budgetlint.checks import kinds

    clean = (EXAMPLES / "clean" / "2025-health-projects.md").read_text(encoding="utf-8")
    (tmp_path / "a.md").write_text(clean, encoding="utf-8")
    (tmp_path / "b.md").write_text(
        EXAMPLES.joinpath("ningxia-kexie-2024-performance-targets.md").read_text(encoding="utf-8"), encoding="utf-8"
    )
    kind = kinds()["placeholder"]

    def broken(project, params, ctx):
        if "学会" in project.name:  # only in the seed's tables
            raise ZeroDivisionError("a bug")
        yield from kind.fn(project, params, ctx)

    monkeypatch.setitem(kinds(), "placeholder", kind._replace(fn=broken))
    monkeypatch.delenv("BUDGETLINT_DEBUG", raising=False)
    result = Runner(lang="en", keep_sources=False).check_paths([tmp_path], jobs=1)
    assert result.exit_code() == 2 and len(result.errors) == 1
    error = result.errors[0]
    assert error.path.endswith("b.md") and "internal error" in error.message
    assert "ZeroDivisionError: a bug at test_pool.py:" in error.message
    assert result.files == 1 and not [f for f in result.findings if not f.path.endswith("a.md")]
    monkeypatch.setenv("BUDGETLINT_DEBUG", "1")
    try:
        Runner(lang="en", keep_sources=False).check_paths([tmp_path / "b.md"], jobs=1)
    except ZeroDivisionError:
        pass
    else:
        raise AssertionError("BUDGETLINT_DEBUG should let the traceback through")


def test_directives_inside_another_process_tables_suppress_the_same_findings(tmp_path, monkeypatch):
    """A `disable` above an indicator row of a table that another process checks: every process must
    give it the same range (the reader that passes over the other tables' rows waits for its line)."""
    import budgetlint.runner as runner_module

    seed = (EXAMPLES / "ningxia-kexie-2024-performance-targets.md").read_text(encoding="utf-8")
    path = tmp_path / "big.md"
    path.write_text(seed, encoding="utf-8")
    lines = seed.split("\n")
    first = Runner(lang="en", keep_sources=False).check_paths([path], jobs=1)
    rows = sorted({f.span.line for f in first.findings if lines[f.span.line - 1].startswith("|  |")})
    assert len(rows) > 20  # indicator rows in most of the 19 tables, both processes' shares
    for line in reversed(rows):
        lines.insert(line - 1, "<!-- budgetlint: disable -->")
    path.write_text("\n".join(lines), encoding="utf-8")
    monkeypatch.setattr(runner_module, "BIG_FILE", 1000)

    def report(jobs):
        result = Runner(lang="en", keep_sources=False).check_paths([path], jobs=jobs)
        return [(f.code, f.span, f.message) for f in result.findings]

    alone, shared = report(1), report(2)
    assert shared == alone
    assert not [code for code, *_ in alone if code == "BL009"]  # every directive suppressed its row
    assert len(alone) < len(first.findings) - 20


def test_shared_reading_matches_one_process_on_shuffled_documents_with_directives(tmp_path, monkeypatch):
    """Three example documents in a random order with directives of every scope, comments, stray rows,
    headings and metadata dropped anywhere: the shared reading gives the one-process report."""
    import random

    import budgetlint.runner as runner_module

    monkeypatch.setattr(runner_module, "BIG_FILE", 1000)
    texts = [
        path.read_text(encoding="utf-8")
        for path in (
            EXAMPLES / "ningxia-kexie-2024-performance-targets.md",
            EXAMPLES / "ningxia-kexie-2024-performance-targets.txt",
            *sorted((EXAMPLES / "clean").iterdir()),
        )
    ]
    extras = [
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
        "| 本级资金 | 10 |",
        "<!-- a comment -->",
        "---",
    ]
    for trial in range(6):
        rng = random.Random(trial)
        lines = "\n\n".join(rng.sample(texts, 3)).split("\n")
        for _ in range(rng.randint(1, 25)):
            lines.insert(rng.randrange(len(lines)), rng.choice(extras))
        path = tmp_path / f"doc{trial}.md"
        path.write_text("\n".join(lines), encoding="utf-8")
        reports = []
        for jobs in (1, 2):
            result = Runner(lang="en", keep_sources=False).check_paths([path], jobs=jobs)
            reports.append(([(f.code, f.span, f.message) for f in result.findings], result.projects))
        assert reports[0] == reports[1], f"trial {trial}"


def test_the_first_process_to_reach_a_table_checks_it():
    from budgetlint.runner import FirstComer

    deal = FirstComer.new()
    first = [deal(index) for index in range(3)]  # one reader reaches tables 0-2 first
    second = [deal(index) for index in range(5)]  # the other, behind it, finds 3 and 4 left
    assert first == [True, True, True] and second == [False, False, False, True, True]
    assert not any(deal(index) for index in range(5))  # each table dealt once
    deal.close()


def test_any_deal_of_the_tables_gives_the_one_process_report():
    """The tables go to whichever process reaches them first, so the deal differs from run to run: every
    deal must give the report of one process (here random deals, in this process)."""
    import random

    from budgetlint.engine import Linter

    linter = Linter(lang="en")
    texts = [
        path.read_text(encoding="utf-8")
        for path in (EXAMPLES / "ningxia-kexie-2024-performance-targets.md", *sorted((EXAMPLES / "clean").iterdir()))
    ]
    text = "\n\n<!-- budgetlint: disable-next-row=BL801 -->\n".join(texts)
    whole, alone = linter.check_text(text, "doc.md")
    assert whole.project_count == 30 and len({f.code for f in alone}) > 10
    for trial in range(5):
        rng = random.Random(trial)
        owner = [rng.randrange(2) for _ in range(30)]
        parts = [
            linter.collect(text, "doc.md", share=(k, 2), deal=lambda index, k=k, owner=owner: owner[index] == k)
            for k in range(2)
        ]
        assert [document.project_count for document, _ in parts] == [30, 30]  # each reader counts every table
        document, raw = linter.merge_shares(parts)
        shared = linter.finish(document, raw, linter.plan_for(None), linter.new_context(), None)
        assert [(f.code, f.span, f.message) for f in shared] == [(f.code, f.span, f.message) for f in alone], trial


def test_a_table_whose_label_extraction_split_starts_in_every_reader(tmp_path, monkeypatch):
    """'| 项 目名称 |' (a blank from PDF extraction) inside a table another process reads still starts a
    table for every reader: otherwise the readers count tables differently and deal them differently."""
    import budgetlint.runner as runner_module

    clean = (EXAMPLES / "clean" / "2025-health-projects.md").read_text(encoding="utf-8").split("\n")
    second = [i for i, line in enumerate(clean) if line.startswith("| 项目名称")][1]
    inserted = [
        "| 项 目名称 | 插入的计划 |",
        "| 项目总额 | 10 |",
        "| 年度资金总额 | 12 |",
        "| 一级指标 | 二级指标 | 三级指标 | 指标值 |",
        "| 产出指标 | 数量指标 | 插入的指标 | 明显提升 |",
    ]
    lines = clean[: second + 8] + inserted + clean[second + 8 :]
    path = tmp_path / "big.md"
    path.write_text("\n".join(lines), encoding="utf-8")
    monkeypatch.setattr(runner_module, "BIG_FILE", 1000)
    reports = []
    for jobs in (1, 2):
        result = Runner(lang="en", keep_sources=False).check_paths([path], jobs=jobs)
        reports.append(([(f.code, f.span, f.message) for f in result.findings], result.projects))
    assert reports[0] == reports[1]
    assert reports[0][1] == 5 and any(code == "BL104" or "插入" in message for code, _, message in reports[0][0])


BATCH_PROBE = """
import gc, sys
from pathlib import Path
import budgetlint.runner as runner_module
runner_module.BIG_FILE = 1000
from budgetlint.runner import Runner
batch = sys.argv[2] == "batch"
result = Runner(lang="en", keep_sources=False, batch=batch).check_paths([Path(sys.argv[1])], jobs=2)
print(gc.get_freeze_count(), gc.isenabled(), len(result.findings))
"""


def test_a_batch_process_freezes_the_findings_from_workers_and_a_library_caller_keeps_its_gc(tmp_path):
    """The console script's runner freezes what the workers sent out of the cyclic GC (it is kept to the
    end); a runner in someone else's process leaves their GC as it was.  Both give the same findings."""
    import subprocess
    import sys

    seed = (EXAMPLES / "ningxia-kexie-2024-performance-targets.txt").read_text(encoding="utf-8")
    (tmp_path / "big.txt").write_text(seed + "\n" + seed, encoding="utf-8")
    runs = {}
    for mode in ("batch", "library"):
        out = subprocess.run(
            [sys.executable, "-c", BATCH_PROBE, str(tmp_path / "big.txt"), mode],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.split()
        runs[mode] = (int(out[0]), out[1], int(out[2]))
    assert runs["batch"][0] > 1000 and runs["library"][0] == 0
    assert runs["batch"][1:] == runs["library"][1:] == ("True", runs["batch"][2])
    assert runs["batch"][2] > 100


def test_the_console_script_ends_with_the_whole_report_and_its_exit_code(tmp_path):
    """`python -m budgetlint` leaves without tearing the interpreter down (entry._leave): the report is
    still written whole through a pipe, the exit code is the check's, and no worker is left running."""
    import subprocess
    import sys

    seed = (EXAMPLES / "ningxia-kexie-2024-performance-targets.txt").read_text(encoding="utf-8")
    for index in range(17):  # a pool of workers
        (tmp_path / f"doc{index:02}.txt").write_text(seed, encoding="utf-8")
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
    clean = subprocess.run(
        [sys.executable, "-m", "budgetlint", "check", str(EXAMPLES / "clean"), "--format", "concise"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert clean.returncode == 0 and clean.stderr == ""


def _big_seed(tmp_path, monkeypatch):
    import budgetlint.runner as runner_module

    monkeypatch.setattr(runner_module, "BIG_FILE", 1000)
    monkeypatch.delenv("BUDGETLINT_DEBUG", raising=False)
    path = tmp_path / "big.txt"
    path.write_bytes((EXAMPLES / "ningxia-kexie-2024-performance-targets.txt").read_bytes())
    return path


def _no_children_left() -> bool:
    try:
        os.waitpid(-1, os.WNOHANG)
    except ChildProcessError:
        return True
    return False


@pytest.mark.parametrize("where", ["reader", "this process"])
def test_a_bug_in_one_reader_of_a_large_document_is_that_file_internal_error(tmp_path, monkeypatch, where):
    """A check that fails in a forked reader (its error travels back in one line) or in this process
    (the forked reader is stopped): the document gets an internal error, the other file its findings,
    and no process is left behind."""
    import budgetlint.runner as runner_module
    from budgetlint.checks import kinds

    big = _big_seed(tmp_path, monkeypatch)
    monkeypatch.setattr(runner_module, "BIG_FILE", 20_000)  # the seed (~60 KB) is read by two processes
    small = tmp_path / "small" / "health.md"
    small.parent.mkdir()
    small.write_bytes((EXAMPLES / "clean" / "2025-health-projects.md").read_bytes())
    parent = os.getpid()
    kind = kinds()["placeholder"]

    class EvenTablesHere:  # a fixed deal, so that both processes check tables
        new = classmethod(lambda cls: cls())
        close = lambda self: None  # noqa: E731
        __call__ = lambda self, index: (index % 2 == 0) == (os.getpid() == parent)  # noqa: E731

    healthy = {
        line.split("|")[2].strip()
        for line in small.read_text(encoding="utf-8").split("\n")
        if line.startswith("| 项目名称")
    }

    def broken(project, params, ctx):
        if (os.getpid() != parent) == (where == "reader") and project.name not in healthy:
            raise ZeroDivisionError("a bug")
        yield from kind.fn(project, params, ctx)

    monkeypatch.setattr(runner_module, "FirstComer", EvenTablesHere)
    monkeypatch.setitem(kinds(), "placeholder", kind._replace(fn=broken))
    result = Runner(lang="en", keep_sources=False).check_paths([big, small], jobs=0)
    assert [(error.path, error.message.split(" at ")[0]) for error in result.errors] == [
        (str(big), "internal error, please report it: ZeroDivisionError: a bug")
    ]
    assert "test_pool.py" in result.errors[0].message  # where it was raised, even in another process
    assert result.files == 1 and result.projects == len(healthy) == 4  # the other file, checked whole
    assert _no_children_left()


def test_a_reader_failing_after_it_sent_findings_fails_the_whole_document(tmp_path, monkeypatch):
    """A reader that sent its first tables' findings and then fails on its last table: the document gets
    the reader's internal error and none of the findings it sent; the other file is still checked whole."""
    import budgetlint.runner as runner_module
    from budgetlint.checks import kinds

    big = _big_seed(tmp_path, monkeypatch)
    monkeypatch.setattr(runner_module, "BIG_FILE", 20_000)
    monkeypatch.setattr(runner_module, "FRAME_FINDINGS", 1)  # a frame after every table with findings
    small = tmp_path / "small" / "health.md"
    small.parent.mkdir()
    small.write_bytes((EXAMPLES / "clean" / "2025-health-projects.md").read_bytes())
    parent = os.getpid()
    names = [project.name for project in Linter().parse(big.read_text(encoding="utf-8")).projects]
    last_of_reader = names[len(names) - 1 - (len(names) % 2 == 1)]  # the last odd-numbered table (from 0)
    kind = kinds()["placeholder"]

    class OddTablesThere:
        new = classmethod(lambda cls: cls())
        close = lambda self: None  # noqa: E731
        __call__ = lambda self, index: (index % 2 == 0) == (os.getpid() == parent)  # noqa: E731

    def late_bug(project, params, ctx):
        if os.getpid() != parent and project.name == last_of_reader:
            raise ZeroDivisionError("a late bug")
        yield from kind.fn(project, params, ctx)

    received: list[int] = []
    share = runner_module._ShareReader.share

    def share_seen(self, path):
        try:
            return share(self, path)
        finally:
            received.append(len(self.findings))

    monkeypatch.setattr(runner_module, "FirstComer", OddTablesThere)
    monkeypatch.setitem(kinds(), "placeholder", kind._replace(fn=late_bug))
    monkeypatch.setattr(runner_module._ShareReader, "share", share_seen)
    result = Runner(lang="en", keep_sources=False).check_paths([big, small], jobs=0)
    assert [error.message.split(" at ")[0] for error in result.errors] == [
        "internal error, please report it: ZeroDivisionError: a late bug"
    ]
    assert received and received[0] > 0  # findings had come before the failure…
    assert not [f for f in result.findings if f.path == str(big)]  # …and none of them are reported
    assert result.files == 1 and result.projects == 4 and _no_children_left()  # the other file, whole


def test_a_reader_that_dies_or_cannot_read_is_reported_not_waited_for(tmp_path, monkeypatch):
    import budgetlint.runner as runner_module
    from budgetlint.io import InputError

    big = _big_seed(tmp_path, monkeypatch)
    monkeypatch.setattr(runner_module, "_read_share", lambda *args: os._exit(9))  # killed before a word
    died = Runner(lang="en", keep_sources=False).check_paths([big], jobs=0)
    assert [error.message for error in died.errors] == [
        "internal error, please report it: a reader process ended without sending its share"
    ]

    def unreadable(linter, source, *args):
        raise InputError(source.path, "changed while it was read (no longer valid text)", 7)

    monkeypatch.setattr(runner_module, "_read_share", unreadable)
    changed = Runner(lang="en", keep_sources=False).check_paths([big], jobs=0)
    assert [str(error) for error in changed.errors] == [f"{big}:7: changed while it was read (no longer valid text)"]
    assert _no_children_left()


@pytest.mark.parametrize("damage", ["gb18030", "a stray byte far in", "NUL far in", "utf-8"])
def test_a_large_document_read_before_its_encoding_is_known_reports_what_one_process_reports(
    tmp_path, monkeypatch, damage
):
    """The readers of a large document start on it as UTF-8 without a pass over it first: whatever it turns
    out to be — another encoding, a stray byte or a NUL past the first 64 KB — the report (findings, BL005,
    the file's error and its line) is the one the verified reading gives."""
    big = _big_seed(tmp_path, monkeypatch)
    text = big.read_text(encoding="utf-8")
    text = "\n".join([text] * 3)  # past the first 64 KB
    data = {"gb18030": text.encode("gb18030"), "utf-8": text.encode()}.get(damage)
    if data is None:
        middle = text.encode().index(b"\n", len(text.encode()) * 2 // 3) + 1
        raw = text.encode()
        data = raw[:middle] + (b"\xff" if damage == "a stray byte far in" else b"\x00") + raw[middle:]
    big.write_bytes(data)

    def report(jobs):
        result = Runner(lang="en", keep_sources=False).check_paths([big], jobs=jobs)
        return [(f.code, f.span, f.message) for f in result.findings], [str(error) for error in result.errors]

    alone, shared = report(1), report(0)
    assert shared == alone
    assert (alone[1] != []) == (damage in ("NUL far in", "a stray byte far in"))  # its line, in both
    assert ("BL005" in [code for code, *_ in alone[0]]) == (damage == "gb18030")
    assert _no_children_left()


def test_the_console_script_with_a_pool_of_workers_ends(tmp_path):
    """Hundreds of files through the process pool, then the console script's quick exit: it must end
    (a pool left to shut down in the background deadlocked with the exit handlers once)."""
    import subprocess
    import sys

    clean = (EXAMPLES / "clean" / "2025-health-projects.md").read_text(encoding="utf-8")
    one = clean[: clean.index("| 项目名称", clean.index("| 项目名称") + 1)]  # the first table
    for index in range(400):
        (tmp_path / f"t{index:03}.md").write_text(one, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "budgetlint", "check", str(tmp_path), "--format", "concise"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0 and done.stderr == ""


def test_when_a_second_reader_cannot_start_the_first_is_stopped_and_one_process_reads(tmp_path, monkeypatch):
    big = _big_seed(tmp_path, monkeypatch)
    real_fork, forks = os.fork, []

    def fork_once():
        forks.append(1)
        if len(forks) > 1:
            raise BlockingIOError(11, "Resource temporarily unavailable")
        return real_fork()

    alone = Runner(lang="en", keep_sources=False).check_paths([big], jobs=1)
    monkeypatch.setattr(os, "fork", fork_once)
    three = Runner(lang="en", keep_sources=False).check_paths([big], jobs=3)  # two readers beside this one
    assert len(forks) == 2 and not three.errors
    assert [(f.code, f.span, f.message) for f in three.findings] == [
        (f.code, f.span, f.message) for f in alone.findings
    ]
    assert any("read in one process" in note for note in three.notes)
    assert _no_children_left()


def test_damaged_large_documents_read_by_two_processes_report_what_one_process_reports(tmp_path_factory):
    """Property: a large document with random bytes put anywhere (stray bytes, NULs, control characters,
    pieces of another encoding) gives, read by two processes that start on it unverified, the report of
    one process reading it verified — findings, BL005, the file's one-line error — and no traceback."""
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    import budgetlint.runner as runner_module

    seed = (EXAMPLES / "ningxia-kexie-2024-performance-targets.txt").read_bytes()
    insertion = st.tuples(
        st.floats(0, 1),
        st.sampled_from(
            [b"\xff", b"\x00", b"\x01\x02", b"\xc3", "项目".encode("gb18030"), b"\xef\xbb\xbf", b"\r", b"|\t|"]
        ),
    )

    @settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(st.lists(insertion, max_size=3))
    def check(insertions):
        data = seed * 2
        for where, piece in sorted(insertions, reverse=True):
            at = int(where * len(data))
            data = data[:at] + piece + data[at:]
        path = tmp_path_factory.mktemp("damaged") / "big.txt"
        path.write_bytes(data)
        reports = []
        for jobs in (1, 0):
            result = Runner(lang="en", keep_sources=False).check_paths([path], jobs=jobs)
            reports.append(([(f.code, f.span, f.message) for f in result.findings], [str(e) for e in result.errors]))
        assert reports[0] == reports[1]
        assert _no_children_left()

    saved = runner_module.BIG_FILE
    runner_module.BIG_FILE = 1000
    try:
        check()
    finally:
        runner_module.BIG_FILE = saved


@pytest.mark.parametrize("work", ["a large document", "many files", "many files, a pool"])
def test_ctrl_c_stops_every_process_quietly(tmp_path, work):
    """Ctrl-C (SIGINT to the whole process group, as a terminal sends it) while two processes read a
    large document, or check many files (forked, or a pool of workers): "Aborted!" and exit code 1 as click gives them, no
    traceback, no process left."""
    import signal
    import subprocess
    import sys
    import time

    seed = (EXAMPLES / "ningxia-kexie-2024-performance-targets.txt").read_text(encoding="utf-8")
    if work == "a large document":
        target = tmp_path / "big.txt"
        target.write_text("\n".join([seed] * 200), encoding="utf-8")  # ~8 MB: read by two processes
    else:
        target = tmp_path / "folder"
        target.mkdir()
        for index in range(150):  # shared out between processes
            (target / f"doc{index:03}.txt").write_text(seed, encoding="utf-8")
    pool = "budgetlint.runner._FORKS = False; " if work == "many files, a pool" else ""  # as where there is no fork
    start = (
        f"import sys, budgetlint.runner, budgetlint.entry; {pool}sys.argv[0] = 'budgetlint'; budgetlint.entry.console()"
    )
    check = subprocess.Popen(
        [sys.executable, "-c", start, "check", str(target), "--format", "json"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    time.sleep(0.7)  # well into the tables (the whole check takes seconds)
    os.killpg(check.pid, signal.SIGINT)
    out, err = check.communicate(timeout=60)
    assert (check.returncode, err, out) == (1, "Aborted!\n", "")
    time.sleep(0.2)
    with pytest.raises(ProcessLookupError):
        os.killpg(check.pid, 0)


def test_files_are_batched_large_first_and_a_file_each_at_the_end(tmp_path, monkeypatch):
    """Guided batches: in order, every file once, each about a share of the bytes left — so the last
    batches are single files and no worker checks a large batch alone while the other waits."""
    import budgetlint.runner as runner_module
    from budgetlint.runner import _batches

    sizes = [5_000] * 150 + [60_000, 1_000, 1_000] + [5_000] * 47
    files = []
    for index, size in enumerate(sizes):
        path = tmp_path / f"doc{index:03}.md"
        path.write_bytes(b"x" * size)
        files.append((path, index % 2 == 0))
    batches = _batches(files, 2)
    assert [item for batch in batches for item in batch] == files
    assert len(batches[0]) > 20 and [len(batch) for batch in batches[-5:]] == [1] * 5
    total = sum(sizes)
    for batch in batches[1:]:  # none is much more than its share (a single large file may be)
        assert len(batch) == 1 or sum(path.stat().st_size for path, _ in batch) <= total / 8
    assert _batches([], 2) == [] and _batches(files[:1], 2) == [files[:1]]
    monkeypatch.setattr(runner_module, "BATCH_BYTES", 20_000)  # a worker never holds more than this
    capped = _batches(files, 2)
    assert [item for batch in capped for item in batch] == files
    assert all(len(batch) == 1 or sum(path.stat().st_size for path, _ in batch) <= 20_000 for batch in capped)
    assert max(len(batch) for batch in capped) == 5 and len(capped) > len(batches)  # 4 × 5,000, or 5,000s + 1,000s


@pytest.mark.parametrize("fmt", ["json", "concise"])
def test_findings_are_written_out_by_the_process_that_completes_them(tmp_path, fmt, many_files):
    """With the report's format known, each finding carries its text in that format from the worker that
    checked it; the report joining those texts is the report rendering them at the end."""
    import io

    from budgetlint.reporters import Options, render
    from budgetlint.reporters.concise import finding_line
    from budgetlint.reporters.json_output import finding_json

    line = {"json": finding_json, "concise": finding_line}[fmt]
    for index in range(POOL_THRESHOLD + 2):
        (tmp_path / f"t{index:02}.md").write_text(
            (EXAMPLES / "ningxia-kexie-2024-performance-targets.md").read_text(encoding="utf-8"), encoding="utf-8"
        )
    pooled = Runner(lang="en", keep_sources=False, output=fmt).check_paths([tmp_path], jobs=2)
    plain_result = Runner(lang="en", keep_sources=False).check_paths([tmp_path], jobs=1)
    assert pooled.findings and all(f.output == (fmt, line(f)) for f in pooled.findings)
    assert all(f.output is None for f in plain_result.findings)
    written = []
    for result in (pooled, plain_result):
        stream = io.StringIO()
        render(fmt, result, stream, Options(lang="en"))
        written.append(stream.getvalue())
    assert written[0] == written[1]
    stale = pooled.findings[0]
    stale.output = ("concise" if fmt == "json" else "json", "text of another format")
    stream = io.StringIO()
    render(fmt, pooled, stream, Options(lang="en"))
    assert "text of another format" not in stream.getvalue() and stream.getvalue() == written[1]


def _report(result) -> tuple:
    """A result as the reports show it (a finding from another process has its args as text)."""
    findings = [(f.path, f.span, f.code, f.message, f.expected, f.actual, f.related, f.fix) for f in result.findings]
    return findings, result.errors, result.files, result.projects, result.sources


class _Alternate:
    """A fixed deal of many files (files 0, 2, 4, … here, the others to the forked checker), so that the
    other process surely checks files."""

    def __init__(self):
        self.parent = os.getpid()

    new = classmethod(lambda cls: cls())
    close = lambda self: None  # noqa: E731

    def __call__(self, index: int) -> bool:
        return (index % 2 == 0) == (os.getpid() == self.parent)


@pytest.mark.parametrize("dies", ["before a file", "holding its third file"])
def test_a_checker_of_many_files_that_dies_leaves_its_files_to_this_process(tmp_path, monkeypatch, dies):
    """A forked checker killed (here: it exits) loses no file: those it sent are kept, those it was dealt
    and never sent are checked here; the report is the one-process report, with a note."""
    import budgetlint.runner as runner_module

    for index in range(POOL_THRESHOLD + 2):
        (tmp_path / f"t{index:02}.md").write_bytes(
            (EXAMPLES / "ningxia-kexie-2024-performance-targets.md").read_bytes()
        )
    expected = Runner(lang="en", keep_sources=False).check_paths([tmp_path], jobs=1)
    parent, real_check = os.getpid(), Runner.check_file
    started: list[Path] = []  # in the checker's own memory

    def check_file(self, file, explicit, result):
        if os.getpid() != parent:
            started.append(file)
            if len(started) == (1 if dies == "before a file" else 3):
                os._exit(9)
        real_check(self, file, explicit, result)

    monkeypatch.setattr(runner_module, "FirstComer", _Alternate)
    monkeypatch.setattr(Runner, "check_file", check_file)
    got = Runner(lang="en", keep_sources=False).check_paths([tmp_path], jobs=2)
    assert (
        _report(got) == _report(expected)
        and not got.errors
        and got.notes
        == [
            "a worker process failed (a reader process ended without sending its share): its files were checked in this one"
        ]
    )
    assert _no_children_left()


def test_forked_checkers_of_many_files_each_check_their_own_files(tmp_path, monkeypatch):
    """Each file is checked by the process it is dealt to, once, and its result merged in file order."""
    import budgetlint.runner as runner_module

    for index in range(POOL_THRESHOLD + 2):
        source = EXAMPLES / (
            "ningxia-kexie-2024-performance-targets.md" if index % 3 else "clean/2025-health-projects.md"
        )
        (tmp_path / f"t{index:02}.md").write_bytes(source.read_bytes())
    (tmp_path / "t03.md").write_bytes(b"\x00binary")  # an error, from the other process
    expected = Runner(lang="en", keep_sources=True).check_paths([tmp_path], jobs=1)
    parent, real_check = os.getpid(), Runner.check_file
    checked_here: list[str] = []

    def check_file(self, file, explicit, result):
        if os.getpid() == parent:
            checked_here.append(file.name)
        real_check(self, file, explicit, result)

    received = []  # this process takes in what the checker sent after each of its own tables, not only files
    real_receive = runner_module._Reader.receive
    monkeypatch.setattr(runner_module._Reader, "receive", lambda reader: received.append(1) or real_receive(reader))
    monkeypatch.setattr(runner_module, "FirstComer", _Alternate)
    monkeypatch.setattr(Runner, "check_file", check_file)
    got = Runner(lang="en", keep_sources=True).check_paths([tmp_path], jobs=2)
    assert checked_here == [f"t{index:02}.md" for index in range(0, POOL_THRESHOLD + 2, 2)]
    tables_here = sum(
        Linter().parse((tmp_path / name).read_text(encoding="utf-8")).project_count for name in checked_here
    )
    assert len(received) >= tables_here + POOL_THRESHOLD + 2 and tables_here > 2 * len(checked_here)
    assert _report(got) == _report(expected) and got.errors and got.sources and not got.notes
    assert _no_children_left()
