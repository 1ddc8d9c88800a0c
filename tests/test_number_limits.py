"""Issue 22: a number of more digits than can be read exactly (valueread.MAX_DIGITS) is BL004 "too-long"
at its cell — a money header field or an indicator value — and never raises decimal.Overflow, in any command."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from conftest import table

from budgetlint.cli import main
from budgetlint.valueread import MAX_DIGITS


def invoke(folder, monkeypatch, *args: str):
    monkeypatch.chdir(folder)
    monkeypatch.delenv("BUDGETLINT_DEBUG", raising=False)
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


HEADER = table("""
    单位：万元
    | 项目名称 | 示例项目 |
    | 项目属性 | 02-经常性项目 | 项目期 | 1年 |
    | 项目总额 | 120 | 年度资金总额 | 120 |
    | 本级资金 | 120 | 转移市县（区）资金 | 0 |
    | 一级指标 | 二级指标 | 三级指标 | 绩效值 |
    | 1-产出指标 | 11-数量指标 | 服务老人 | 500 人 |
    | | 14-成本指标 | 服务老人 | 0.24 万元/人 |
    | 3-满意度指标 | 31-服务对象满意度 | 服务对象满意度 | ≥90% |
""")
HUGE = "9" * 1_000_000


def test_the_value_reader_reads_a_number_of_max_digits_and_not_one_more():
    from budgetlint.engine import Linter

    read = Linter().reader.values.read
    assert read("9" * MAX_DIGITS + " 人").amounts[0].number == int("9" * MAX_DIGITS)
    assert read("9" * MAX_DIGITS + " 人").too_long == 0
    longer = read("9" * (MAX_DIGITS + 1) + " 人")
    assert (longer.amounts, longer.too_long) == ((), MAX_DIGITS + 1)
    assert read("1-" + "9" * 40 + "个").too_long == 40  # a range: its longest end
    assert read("1,000,000").too_long == 0  # grouping commas are no digits


@pytest.mark.parametrize(
    "cell,huge,line,label",
    [
        ("| 项目总额 | 120 |", "| 项目总额 | {n} |", 4, "项目总额"),  # a money header field
        ("| 500 人 |", "| {n} 人 |", 7, "服务老人"),  # a quantity
        ("| 0.24 万元/人 |", "| {n} 元/人 |", 8, "服务老人"),  # a cost
        ("| ≥90% |", "| ≥{n}% |", 9, "服务对象满意度"),
    ],
)
@pytest.mark.parametrize("number", [HUGE, "1" + "0" * MAX_DIGITS])
def test_a_number_too_long_to_read_is_bl004_at_its_cell(tmp_path, monkeypatch, cell, huge, line, label, number):
    text = HEADER.replace(cell, huge.format(n=number), 1)
    assert text != HEADER
    (tmp_path / "t.md").write_text(text, encoding="utf-8")
    result = invoke(tmp_path, monkeypatch, "check", "t.md", "--format", "json", "--lang", "en")
    report = json.loads(result.stdout)
    assert report["errors"] == []
    found = [f for f in report["findings"] if f["code"] == "BL004"]
    assert [(f["line"], f["message"]) for f in found] == [
        (line, f"number too long to read in '{label}': expected at most {MAX_DIGITS} digits, found {len(number)}")
    ]
    assert result.exit_code == 1
    assert all(len(f["message"]) < 500 for f in report["findings"]), [f["code"] for f in report["findings"]]


@pytest.mark.parametrize("args", [["check", "--fix"], ["fmt"], ["fmt", "--check"], ["parse"]])
def test_a_number_of_a_million_digits_breaks_no_command(tmp_path, monkeypatch, args):
    text = HEADER.replace("| 500 人 |", f"| {HUGE} 人 |").replace("| 项目总额 | 120 |", f"| 项目总额 | {HUGE} |")
    (tmp_path / "t.md").write_text(text, encoding="utf-8")
    result = invoke(tmp_path, monkeypatch, *args, "t.md")
    assert result.exit_code in (0, 1), result.output[-500:]
    assert "internal error" not in result.output


@pytest.mark.parametrize("args", [["check", "--fix", "--format", "json"], ["fmt"]], ids=["fix", "fmt"])
def test_a_million_digit_number_in_one_file_leaves_the_next_file_fixed_or_formatted(tmp_path, monkeypatch, args):
    """Issue 22 item 2 with its trigger, not a planted bug: docs/a.md holds a number of 10⁶ digits (a
    decimal.Overflow traceback before, exit 1, and docs/b.md after it never rewritten, no report)."""
    docs = tmp_path / "docs"
    docs.mkdir()
    huge = HEADER.replace("| 500 人 |", f"| {HUGE} 人 |").replace("| 项目总额 | 120 |", f"| 项目总额 | {HUGE} |")
    (docs / "a.md").write_text(huge, encoding="utf-8")
    fixable = HEADER.replace("| ≥90% |", "| 达90%以上 |")  # BL802: a safe fix that fmt makes too
    assert "≥" not in fixable
    (docs / "b.md").write_text(fixable, encoding="utf-8")
    result = invoke(tmp_path, monkeypatch, *args, "docs", "--lang", "en")
    assert result.exit_code in (0, 1), result.output[-500:]
    assert "Traceback" not in result.output and "internal error" not in result.output
    assert "≥90%" in (docs / "b.md").read_text(encoding="utf-8")
    if "json" in args:
        assert json.loads(result.stdout)["summary"]["files"] == 2
