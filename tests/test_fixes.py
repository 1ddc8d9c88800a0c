"""`check --fix`: safe fixes written into the files, unsafe ones only on request, overlaps deferred, files kept safe."""

from __future__ import annotations

import json
import os
import stat

import pytest
from click.testing import CliRunner
from conftest import table

from budgetlint.cli import main
from budgetlint.findings import Edit, Finding, Fix
from budgetlint.fixes import MAX_ROUNDS, apply_fixes, fix_text
from budgetlint.model import Span

SATISFACTION = table("""
    | 项目名称 | 示例项目 |
    | 一级指标 | 二级指标 | 三级指标 | 绩效值 |
    | 3-满意度指标 | 31-服务对象满意度 | 企业服务满意度 | 达90%以上 |
""")


def run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def codes_of(output: str) -> list[str]:
    return [f["code"] for f in json.loads(output)["findings"]]


# ---------------------------------------------------------------- the CLI on BL802
def test_fix_rewrites_the_comparator_and_reports_what_remains(tmp_path):
    path = tmp_path / "t.md"
    path.write_text(SATISFACTION, encoding="utf-8")
    before = run("check", str(path), "--format", "json", "--select", "BL802")
    assert codes_of(before.output) == ["BL802"]
    assert json.loads(before.output)["findings"][0]["fix"]["safe"] is True

    result = run("check", str(path), "--format", "json", "--select", "BL802", "--fix")
    assert result.exit_code == 0
    assert (
        path.read_text(encoding="utf-8").splitlines()[2]
        == "| 3-满意度指标 | 31-服务对象满意度 | 企业服务满意度 | ≥90% |"
    )
    assert codes_of(result.stdout) == []  # the report is of the fixed file
    assert "fixed 1 finding in 1 file (BL802 ×1)" in result.stderr


def test_without_fix_nothing_is_written(tmp_path):
    path = tmp_path / "t.md"
    path.write_text(SATISFACTION, encoding="utf-8")
    run("check", str(path), "--format", "concise")
    assert path.read_text(encoding="utf-8") == SATISFACTION


def test_remaining_errors_still_fail_after_fixing(tmp_path):
    path = tmp_path / "t.md"
    path.write_text(SATISFACTION, encoding="utf-8")
    result = run("check", str(path), "--format", "json", "--fix")  # BL003: the header fields are missing
    assert result.exit_code == 1
    codes = codes_of(result.stdout)
    assert "BL802" not in codes and "BL003" in codes
    assert "≥90%" in path.read_text(encoding="utf-8")


def test_unsafe_fixes_need_fix(tmp_path):
    path = tmp_path / "t.md"
    path.write_text(SATISFACTION, encoding="utf-8")
    result = CliRunner().invoke(main, ["check", str(path), "--unsafe-fixes"])
    assert result.exit_code == 2
    assert "--unsafe-fixes only takes effect with --fix" in result.output
    assert path.read_text(encoding="utf-8") == SATISFACTION


def test_a_file_that_does_not_read_is_never_fixed(tmp_path):
    binary = tmp_path / "a.md"
    binary.write_bytes(b"| \xe9\xa1\xb9 | \x00\x01 |\n")
    good = tmp_path / "b.md"
    good.write_text(SATISFACTION, encoding="utf-8")
    result = run("check", str(binary), str(good), "--format", "concise", "--select", "BL802", "--fix")
    assert result.exit_code == 2
    assert binary.read_bytes() == b"| \xe9\xa1\xb9 | \x00\x01 |\n"
    assert "≥90%" in good.read_text(encoding="utf-8")
    assert "a.md:1:1: E000 binary file" in result.stdout


def test_fixing_keeps_encoding_line_ends_and_permissions(tmp_path):
    path = tmp_path / "gbk.txt"
    path.write_bytes(SATISFACTION.replace("\n", "\r\n").encode("gb18030"))
    os.chmod(path, 0o640)
    link = tmp_path / "link.txt"
    link.symlink_to(path.name)
    run("check", str(link), "--format", "concise", "--select", "BL802", "--fix")
    assert link.is_symlink()
    data = path.read_bytes()
    assert data == SATISFACTION.replace("达90%以上", "≥90%").replace("\n", "\r\n").encode("gb18030")
    assert stat.S_IMODE(path.stat().st_mode) == 0o640


def test_a_failed_write_keeps_the_original(tmp_path, monkeypatch):
    path = tmp_path / "t.md"
    path.write_text(SATISFACTION, encoding="utf-8")

    def refuse(*_args):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(os, "replace", refuse)
    result = run("check", str(path), "--format", "concise", "--select", "BL802", "--fix")
    assert result.exit_code == 2
    assert "cannot write the fixes (Permission denied); left unchanged" in result.stderr
    assert path.read_text(encoding="utf-8") == SATISFACTION
    assert [p.name for p in tmp_path.iterdir()] == ["t.md"]  # no temporary file left behind


# ---------------------------------------------------------------- unsafe fixes, through a rule pack
PACK = """
[[rule]]
code = "BL899"
name = "test-unsafe-rename"
kind = "test-unsafe-rename"
severity = "warning"
fixable = true
summary = "test rule"
messages.default = "rename: expected {expected}, found {actual}"
"""


@pytest.fixture
def unsafe_rule():
    from budgetlint.checks import check_kind, kinds

    kinds()  # load the built-in kinds first

    @check_kind("test-unsafe-rename")
    def rename(project, params, ctx):
        for indicator in project.indicators:
            if indicator.name == "企业服务满意度":
                span = indicator.name_span
                yield Finding(
                    "",
                    span,
                    expected="服务对象满意度",
                    actual=indicator.name,
                    fix=Fix("rename", (Edit(span, "服务对象满意度"),), safe=False),
                )

    yield
    kinds().pop("test-unsafe-rename", None)


def test_unsafe_fixes_are_shown_and_applied_only_on_request(tmp_path, unsafe_rule):
    (tmp_path / "pack.toml").write_text(PACK, encoding="utf-8")
    (tmp_path / "budgetlint.toml").write_text('packs = ["pack.toml"]\nselect = ["BL802", "BL899"]\n', encoding="utf-8")
    path = tmp_path / "t.md"
    path.write_text(SATISFACTION, encoding="utf-8")

    safe_only = run("check", str(path), "--format", "json", "--fix")
    assert (
        path.read_text(encoding="utf-8").splitlines()[2]
        == "| 3-满意度指标 | 31-服务对象满意度 | 企业服务满意度 | ≥90% |"
    )
    assert codes_of(safe_only.stdout) == ["BL899"]
    assert json.loads(safe_only.stdout)["findings"][0]["fix"]["safe"] is False
    assert "1 unsafe fix not applied" in safe_only.stderr

    both = run("check", str(path), "--format", "json", "--fix", "--unsafe-fixes")
    assert (
        path.read_text(encoding="utf-8").splitlines()[2]
        == "| 3-满意度指标 | 31-服务对象满意度 | 服务对象满意度 | ≥90% |"
    )
    assert codes_of(both.stdout) == []


# ---------------------------------------------------------------- applying edits
def finding(line: int, start: int, end: int, text: str, safe: bool = True) -> Finding:
    span = Span(line, start, line, end)
    return Finding("BL000", span, fix=Fix("test", (Edit(span, text),), safe))


def test_overlapping_edits_wait_for_the_next_round():
    applied = apply_fixes("ABA\n", [finding(1, 1, 3, "C"), finding(1, 2, 4, "D")])
    assert applied.text == "CA\n"
    assert len(applied.fixes) == 1 and len(applied.deferred) == 1


def test_edits_of_one_fix_go_in_together_or_not_at_all():
    both = Finding(
        "BL000", Span(1, 1, 1, 2), fix=Fix("two", (Edit(Span(1, 1, 1, 2), "x"), Edit(Span(1, 3, 1, 4), "y")), True)
    )
    blocked = apply_fixes("abc\n", [finding(1, 3, 4, "Z"), both])
    assert blocked.text == "abZ\n" and blocked.deferred == [both]
    alone = apply_fixes("abc\n", [both])
    assert alone.text == "xby\n"


def test_two_insertions_at_one_place_are_not_ordered_by_guess():
    applied = apply_fixes("ab\n", [finding(1, 2, 2, "1"), finding(1, 2, 2, "2")])
    assert applied.text == "a1b\n"


def test_an_edit_outside_the_text_is_refused():
    applied = apply_fixes("ab\n", [finding(3, 1, 2, "x"), finding(1, 5, 6, "y")])
    assert applied.text == "ab\n" and len(applied.invalid) == 2


def _rule(old: str, new: str, safe: bool = True):
    """A fake check: every occurrence of `old` is a finding whose fix writes `new`."""

    def check(text: str) -> list[Finding]:
        found = []
        for number, line in enumerate(text.split("\n"), start=1):
            start = line.find(old)
            while start >= 0:
                found.append(finding(number, start + 1, start + 1 + len(old), new, safe))
                start = line.find(old, start + 1)
        return found

    return check


def test_rounds_go_on_until_nothing_is_left():
    outcome = fix_text("AAAB\n", _rule("AB", "B"))
    assert outcome.text == "B\n"
    assert outcome.rounds == 3 and outcome.applied == 3 and outcome.remaining == []


def test_rounds_are_bounded():
    outcome = fix_text("A\n", _rule("A", "AA"))
    assert outcome.rounds == MAX_ROUNDS
    assert outcome.text == "A" * (2**MAX_ROUNDS) + "\n"
    assert outcome.remaining  # what is left is reported, not hidden


def test_fixes_that_undo_each_other_stop():
    def check(text):
        return _rule("A", "B")(text) + _rule("B", "A")(text)

    outcome = fix_text("A\n", check)
    assert outcome.text == "B\n" and outcome.rounds == 1


def test_unsafe_fixes_are_counted_not_applied():
    outcome = fix_text("A\n", _rule("A", "B", safe=False))
    assert outcome.text == "A\n" and outcome.unsafe_left == 1
    assert fix_text("A\n", _rule("A", "B", safe=False), unsafe=True).text == "B\n"


def test_fix_keeps_utf16_big_endian_without_bom(tmp_path):
    from click.testing import CliRunner

    from budgetlint.cli import main as cli

    text = (
        "| 项目名称 | 示例项目 |\n| 一级指标 | 二级指标 | 三级指标 | 绩效值 |\n"
        "| 3-满意度指标 | 31-服务对象满意度 | 企业服务满意度 | 达90%以上 |\n"
    )
    path = tmp_path / "be.md"
    path.write_bytes(text.encode("utf-16-be"))
    CliRunner().invoke(cli, ["check", str(path), "--fix", "--select", "BL802"])
    data = path.read_bytes()
    assert not data.startswith((b"\xfe\xff", b"\xff\xfe"))
    assert data.decode("utf-16-be") == text.replace("达90%以上", "≥90%")


# ---------------------------------------------------------------- the funding fix weighs the evidence
FUNDING = table("""
    | 项目名称 | 示例项目 |
    | 项目属性 | 01-一年期项目 | 项目期 | 1年 |
    | 项目总额 | 100 | 年度资金总额 | 100 |
    | 本级资金 | 60 | 转移市县（区）资金 | 50 |
    | 财政拨款 | 60 | 中央资金 | 40 |
    | 其他资金 | 0 | 自治区资金 | 0 |
    | 结余结转资金 | 0 |
    | 年度总体绩效目标 | 举办培训。 |
    | 一级指标 | 二级指标 | 三级指标 | 绩效值 |
    | 1-产出指标 | 11-数量指标 | 举办培训 | 10 场 |
    | | 14-成本指标 | 举办培训 | 10 万元/场 |
""")


def _funding_check():
    from budgetlint.config import Config
    from budgetlint.engine import Linter

    linter = Linter(Config(), lang="en")
    return lambda text: [f for f in linter.check_text(text, "t.md")[1] if f.code.startswith(("BL1", "BL2"))]


def test_the_unsafe_funding_fix_mends_the_cell_the_evidence_blames_and_leaves_nothing_behind():
    # 项目总额, the costs and 本级's sources bear out 100 and 60; 中央 40 says 转移 is 40.  The fix used to write
    # 年度资金总额 110, leaving BL104 (年度 > 项目总额), BL105 and BL201 behind; it now writes 转移 40.
    check = _funding_check()
    assert [f.code for f in check(FUNDING)] == ["BL101", "BL103"]
    outcome = fix_text(FUNDING, check, unsafe=True)
    assert outcome.text == FUNDING.replace("| 转移市县（区）资金 | 50 |", "| 转移市县（区）资金 | 40 |")
    assert outcome.remaining == [] and outcome.rounds == 1


def test_no_funding_fix_is_offered_when_the_evidence_does_not_agree_on_a_value():
    check = _funding_check()
    # 中央 30 asks 30 of 转移, 年度 − 本级 asks 40: 转移 is blamed, and left as it is.
    disputed = FUNDING.replace("| 中央资金 | 40 |", "| 中央资金 | 30 |")
    outcome = fix_text(disputed, check, unsafe=True)
    assert outcome.text == disputed and outcome.applied == 0
    assert [f.code for f in outcome.remaining] == ["BL101", "BL103"]
    # 本级's sources and 中央/自治区 left out: 本级 or 转移 is wrong, nothing says which.
    open_ = "".join(
        line
        for line in FUNDING.splitlines(keepends=True)
        if not line.startswith(("| 财政拨款", "| 其他资金", "| 结余"))
    )
    outcome = fix_text(open_, check, unsafe=True)
    assert outcome.text == open_ and outcome.applied == 0
    assert [(f.code, f.fix) for f in outcome.remaining] == [("BL101", None)]
