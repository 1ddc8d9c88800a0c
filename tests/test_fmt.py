"""`budgetlint fmt`: the canonical layout, the seed made canonical with the same model, never a changed value."""

from __future__ import annotations

import os
import re

import pytest
from click.testing import CliRunner
from conftest import PIPE_SEED, SEED, damaged_seed, table
from conftest import VALUES as TABLE_VALUES
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_reader_seed import HAND_COUNTS

from budgetlint.cli import main
from budgetlint.config import Config
from budgetlint.containers.text import iter_lines
from budgetlint.fmt import ALIGN_LIMIT, FormatError, Formatter
from budgetlint.text import display_width


@pytest.fixture(scope="module")
def formatter() -> Formatter:
    return Formatter(Config(), lang="en")


def fmt(formatter: Formatter, text: str) -> str:
    return formatter.format_text(text, "t.md").text


def run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def meaning(linter, text: str) -> list[tuple]:
    """What must survive fmt, read independently of fmt's own check: fields, groups, names, value semantics."""
    document = linter.parse(text, "m")
    projects = []
    for project in document.projects:
        fields = sorted((key, "".join(f.text.split()), f.amount) for key, f in project.fields.items())
        indicators = []
        for i in project.indicators:
            value = i.value
            indicators.append(
                (
                    (i.level1.code, i.level1.kind) if i.level1 else None,
                    (i.level2.code, i.level2.kind) if i.level2 else None,
                    "".join(i.name.split()),
                    value.kind,
                    [
                        (
                            a.comparator,
                            a.number,
                            a.unit.name if a.unit else None,
                            a.per.name if a.per else a.per_text,
                            a.percent,
                            a.approximate,
                            a.noun,
                        )
                        for a in value.amounts
                    ],
                    [(d.year, d.month, d.day, d.suffix) for d in value.dates],
                    [
                        (p.first.year, p.first.month, p.first.day, p.last.year, p.last.month, p.last.day)
                        for p in value.periods
                    ],
                    "".join(value.text.split()),
                )
            )
        projects.append((project.name, project.fiscal_year, project.money_unit_text, fields, indicators))
    return projects


# ==================================================================== the layout, by example
TAB_TABLE = table("""
    # 2024年部门项目支出绩效目标表
    单位：万元

    项目名称\t示例项目
    项目属性\t02-经常性项目\t项目期\t99年
    项目总额\t10\t年度资金总额\t10
    年度总体绩效目标\t举办培训 2 期。
    一级指标\t二级指标\t三级指标\t绩效值
    1-产出指标\t11-数量指标\t举办培训\t2 期

    \t13-时效指标\t完成时间\t2024年12月31日前
    <!-- budgetlint: disable=BL801 -->
    3-满意度指标\t31-服务对象满意度\t参训人员满意度\t达90%以上
""")

CANONICAL = table("""
    # 2024年部门项目支出绩效目标表
    单位：万元

    | 项目名称         | 示例项目        |
    | 项目属性         | 02-经常性项目   | 项目期       | 99年 |
    | 项目总额         | 10              | 年度资金总额 | 10   |
    | 年度总体绩效目标 | 举办培训 2 期。 |

    | 一级指标     | 二级指标          | 三级指标       | 绩效值           |
    | ------------ | ----------------- | -------------- | ---------------- |
    | 1-产出指标   | 11-数量指标       | 举办培训       | 2 期             |
    |              | 13-时效指标       | 完成时间       | 2024年12月31日前 |
    <!-- budgetlint: disable=BL801 -->
    | 3-满意度指标 | 31-服务对象满意度 | 参训人员满意度 | ≥90%             |
""")


def test_tab_rows_become_aligned_pipe_rows(formatter):
    assert fmt(formatter, TAB_TABLE) == CANONICAL


def test_columns_align_by_display_width(formatter):
    for block in (CANONICAL.split("\n\n")[1], CANONICAL.split("\n\n")[2]):
        rows = [line for line in block.splitlines() if line.startswith("|")]
        pipes = {
            tuple(display_width(row[:i]) for i, ch in enumerate(row) if ch == "|")
            for row in rows
            if row.count("|") == 5
        }
        assert len(pipes) == 1  # every pipe of every 4-cell row at the same terminal column


def test_canonical_text_is_a_fixed_point(formatter):
    assert fmt(formatter, CANONICAL) == CANONICAL


def test_empty_cells_are_kept_in_order(formatter):
    text = table("""
        项目名称\t\t示例项目\t\t
        其中：本级资金\t资金总额\t10\t其中：转移市县（区）资金\t资金总额\t0
        \t其中：财政拨款\t10\t\t其中：中央资金\t0
    """)
    out = fmt(formatter, text).splitlines()
    assert [cell.strip() for cell in out[0].split("|")[1:-1]] == ["项目名称", "", "示例项目", "", ""]
    assert [cell.strip() for cell in out[2].split("|")[1:-1]] == ["", "其中：财政拨款", "10", "", "其中：中央资金", "0"]


def test_a_pipe_inside_a_cell_is_escaped_and_reads_back(formatter, linter):
    text = table("""
        项目名称\t示例|项目
        一级指标\t二级指标\t三级指标\t绩效值
        1-产出指标\t11-数量指标\tA|B 培训\t2 期
    """)
    out = fmt(formatter, text)
    assert "| 示例\\|项目 |" in out and "A\\|B 培训" in out
    assert linter.parse(out).projects[0].name == "示例|项目"
    assert linter.parse(out).projects[0].indicators[0].name == "A|B 培训"


def test_lines_that_are_not_rows_are_kept_verbatim(formatter):
    prose = [
        "# 标题  ",
        "部门：宁夏回族自治区科学技术协会",
        "  说明文字，保留原样。",
        "<!-- 注释 -->",
        "<!-- budgetlint: disable=BL003 -->",
        "---",
        "(2024 年度)",
    ]
    text = (
        "\n".join(prose)
        + "\n"
        + table("""
        项目名称\t示例项目
        项目总额\t10\t年度资金总额\t10
    """)
    )
    out = fmt(formatter, text).splitlines()
    assert out[: len(prose)] == prose


def test_delimiter_row_follows_the_headings_once(formatter):
    text = table("""
        | 项目名称 | 示例项目 |
        | 项目总额 | 10 |

        | 一级指标 | 二级指标 | 三级指标 | 绩效值 |
        |:--|--|:-:|--:|
        | 1-产出指标 | 11-数量指标 | 举办培训 | 2 期 |
    """)
    out = fmt(formatter, text).splitlines()
    assert out[4] == "| :--------- | ----------- | :------: | -----: |"
    assert sum(1 for line in out if line and set(line) <= set("|-: ")) == 1


def test_page_breaks_inside_the_indicator_table_are_removed(formatter):
    text = table("""
        项目名称\t示例项目
        项目总额\t10
        一级指标\t二级指标\t三级指标\t绩效值
        1-产出指标\t11-数量指标\t举办培训\t2 期


        \t12-质量指标\t合格率\t≥90%
    """)
    out = fmt(formatter, text).splitlines()
    assert out[2] == "" and out[3].startswith("| 一级指标")  # one blank line before the headings
    assert "" not in out[3:]


def test_rendered_tables_are_padded_to_the_widest_row(formatter):
    # GitHub drops the cells of a row beyond the headings' count: the headings get empty cells instead
    text = table("""
        项目名称\t示例项目
        一级指标\t二级指标\t三级指标\t绩效值
        1-产出指标\t11-数量指标\t举办培训\t\t2 期\t
    """)
    out = fmt(formatter, text).splitlines()
    assert [line.count("|") for line in out[2:]] == [7, 7, 7]


def test_a_very_wide_cell_does_not_widen_its_column(formatter):
    long_name = "学术交流活动、创新驱动助力工程项目、学会规范化建设项目立项及经费拨付时间"
    assert display_width(long_name) > ALIGN_LIMIT
    text = table(f"""
        项目名称\t示例项目
        一级指标\t二级指标\t三级指标\t绩效值
        1-产出指标\t13-时效指标\t{long_name}\t2024年6月30日前
        \t\t完成时间\t2024年12月30日前
    """)
    out = fmt(formatter, text).splitlines()
    assert f"| {long_name} | 2024年6月30日前" in out[4]
    assert "| 完成时间 " in out[5] and len(out[5]) < len(out[4])


def test_comparators_are_written_as_bl802_asks(formatter):
    text = table("""
        | 项目名称 | 示例项目 |
        | 一级指标 | 二级指标 | 三级指标 | 绩效值 |
        | 1-产出指标 | 11-数量指标 | 培训场次 | >=20 次 |
        | 3-满意度指标 | 31-服务对象满意度 | 企业服务满意度 | 达 90%以上 |
        | | | 学员满意度 | 不低于85% |
    """)
    result = formatter.format_text(text, "t.md")
    cells = [line.split("|")[-2].strip() for line in result.text.splitlines()[4:]]
    assert cells == ["≥20 次", "≥90%", "不低于85%"]  # 不低于 is an accepted spelling
    assert result.comparators == 2


def test_comparators_stay_when_bl802_is_ignored():
    formatter = Formatter(Config(ignore=("BL802",)), lang="en")
    out = formatter.format_text(
        table("""
        | 项目名称 | 示例项目 |
        | 一级指标 | 二级指标 | 三级指标 | 绩效值 |
        | 3-满意度指标 | 31-服务对象满意度 | 企业服务满意度 | 达 90%以上 |
    """),
        "t.md",
    ).text
    assert "达 90%以上" in out


def test_uncertain_damage_is_kept_and_reported(formatter):
    text = table("""
        项目名称\t示例项目
        项目总额\t10\t年度资金总额\t10
        其他资\t0
        金\t
        资金来源见附件
        本级资金\t10
    """)
    result = formatter.format_text(text, "t.md")
    lines = result.text.splitlines()
    assert lines[3].startswith("| 金 ") and lines[4] == "资金来源见附件"
    assert {(note.code, note.span.line) for note in result.notes} >= {("BL001", 3), ("BL006", 5)}
    assert all(note.message for note in result.notes)


def test_a_document_without_a_project_table_is_left_alone(formatter):
    text = "# README\n\n| a | b |\n|---|---|\n| 1 | 2 |\n"
    result = formatter.format_text(text, "README.md")
    assert result.text == text and not result.changed and result.projects == 0


# ==================================================================== blocks kept as written
# Rows that do not line up with their table, of the two shapes the structured fuzzer finds: a 项目名称 cell gone,
# so that the next table's header rows join the indicator block before it (lines 11–17), and a per-row table
# with a pipe added (its row 3 has eight cells under seven headings).
UNHEADED = table("""
    | 项目名称 | 甲项目 |
    | 项目总额 | 10 | 年度资金总额 | 10 |

    | 一级指标 | 二级指标 | 三级指标 | 指标性质 | 指标值 | 度量单位 |
    |---|---|---|---|---|---|
    | 产出指标 | 数量指标 | 举办培训 | ＝ | 2 | 期 |
    | 满意度指标 | 服务对象满意度指标 | 参训人员满意度 | ≥ | 90 | % |

    ## 乙项目

    |  | 乙项目 |
    | 主管部门 | 某局 | 实施单位 | 某中心 |
    | 项目总额 | 20 | 年度资金总额 | 20 |

    | 一级指标 | 二级指标 | 三级指标 | 指标性质 | 指标值 | 度量单位 |
    |---|---|---|---|---|---|
    | 产出指标 | 数量指标 | 举办讲座 | ＝ | 3 | 场 |
""")
PER_ROW = table("""
    | 项目名称 | 主管部门 | 年度资金总额（元） | 一级指标 | 二级指标 | 三级指标 | 指标值 |
    |---|---|---|---|---|---|---|
    | 甲项目 | 某局| | 100.00 | 产出指标 | 数量指标 | 培训人员 | ≥800人次 |
    | 甲项目 | 某局 | 100.00 | 满意度指标 | 服务对象满意度指标 | 参训人员满意度 | ≥90% |
    | 乙项目 | 某局 | 200.00 | 产出指标 | 数量指标 | 举办讲座 | 3场 |
""")
LABELS = table("""
    | 项目名称 | 丙项目 |
    | 项目总额 | 10 | 年度资金总额 | 10 |
""")
LABELS_ALIGNED = table("""
    | 项目名称 | 丙项目 |
    | 项目总额 | 10     | 年度资金总额 | 10 |
""")


def kept_notes(result):
    return [(note.span.line, note.message) for note in result.notes if note.code == "BL007"]


def test_rows_that_would_join_the_table_above_are_kept_and_the_rest_formatted(formatter, linter):
    result = formatter.format_text(UNHEADED, "t.md")
    before, after = UNHEADED.splitlines(), result.text.splitlines()
    assert after[10:] == before[10:]  # lines 11–17 as written, the blank line between their rows too
    assert after[1] == "| 项目总额 | 10     | 年度资金总额 | 10 |" and after[4].startswith("| ---------- |")
    assert meaning(linter, result.text) == meaning(linter, UNHEADED)
    assert kept_notes(result) == [
        (
            11,
            "rows that do not line up with their table: expected rows that read the same once aligned to the "
            "table's columns, found lines 11–17 aligned, the indicator on line 12 of project '甲项目' would read "
            "otherwise",
        )
    ]
    assert formatter.format_text(result.text, "t.md").text == result.text


def test_a_per_row_table_with_a_pipe_added_is_kept_and_the_next_table_formatted(formatter, linter):
    text = PER_ROW + "\n" + LABELS
    result = formatter.format_text(text, "t.md")
    assert result.text == PER_ROW + "\n" + LABELS_ALIGNED and result.projects == 3
    assert meaning(linter, result.text) == meaning(linter, text)
    assert [line for line, _ in kept_notes(result)] == [1]
    assert "found lines 1–5 aligned, they read as 2 project tables instead of 3" in kept_notes(result)[0][1]


def test_the_kept_note_is_in_chinese_too():
    result = Formatter(Config(), lang="zh").format_text(PER_ROW, "t.md")
    assert [note.message for note in result.notes if note.code == "BL007"] == [
        "表格行与其表格的列不齐：期望 对齐到表格的列后读出的内容不变，实际 第 1–5 行对齐后，读成 1 张项目表，而非 2 张"
    ]


def test_a_kept_block_keeps_its_comparators_as_written(formatter, linter):
    """The comparators of the other tables are rewritten; a kept block is the input's, 达90%以上 included."""
    bad = PER_ROW.replace("≥90%", "达90%以上")
    good = bad.replace("某局| |", "某局 |").replace("甲项目", "丙项目").replace("乙项目", "丁项目")
    result = formatter.format_text(bad + "\n## 下一表\n\n" + good, "t.md")
    assert result.text.startswith(bad) and "达90%以上" not in result.text[len(bad) :]
    assert result.comparators == 1
    assert [(note.code, note.span.line) for note in result.notes] == [("BL007", 1), ("BL802", 4)]
    assert meaning(linter, result.text) == meaning(linter, bad + "\n## 下一表\n\n" + good)


def test_tables_that_line_up_get_no_kept_note(formatter):
    for text in (CANONICAL, TAB_TABLE, LABELS):
        assert kept_notes(formatter.format_text(text, "t.md")) == [], text
    result = formatter.format_text(PER_ROW.replace("某局| |", "某局 |"), "t.md")
    assert kept_notes(result) == [] and result.notes == []
    assert len({display_width(line) for line in result.text.splitlines()}) == 1  # every row aligned


def test_any_block_whose_formatting_changes_a_value_is_kept(formatter, linter, monkeypatch):
    """Whatever makes a block read otherwise (here a renderer that writes 12 for 10), that block is kept."""
    text = LABELS + "\n" + LABELS.replace("丙项目", "丁项目").replace("10", "20")
    render = formatter.layout.render_block
    monkeypatch.setattr(
        formatter.layout,
        "render_block",
        lambda block: {key: line.replace(" 10 ", " 12 ") for key, line in render(block).items()},
    )
    result = formatter.format_text(text, "t.md")
    assert result.text == LABELS + "\n" + LABELS_ALIGNED.replace("丙项目", "丁项目").replace("10", "20")
    assert meaning(linter, result.text) == meaning(linter, text)
    assert [line for line, _ in kept_notes(result)] == [1]
    assert "'项目总额' of project '丙项目' (line 2) would read otherwise" in kept_notes(result)[0][1]


def test_a_change_outside_the_blocks_is_refused(formatter, monkeypatch):
    """A line fmt adds between the blocks that changes the reading is no block's doing: the file is refused."""
    from budgetlint.fmt import _Item

    restructure = formatter.layout.restructure
    monkeypatch.setattr(
        formatter.layout, "restructure", lambda items: [_Item("keep", "| 项目名称 | 多出的项目 |"), *restructure(items)]
    )
    with pytest.raises(FormatError):
        formatter.format_text(UNHEADED, "t.md")


def test_the_blocks_to_keep_are_found_in_few_checks(formatter, linter, monkeypatch):
    """64 tables, of which tables 21 and 50 have a pipe too many: bisection finds them in at most
    2·k·⌈log2 N⌉ + 2 = 26 reads of the document (k = 2 kept, N = 64 blocks), where one read per block would
    take 64."""
    tables = []
    for number in range(64):
        rows = PER_ROW.replace("甲项目", f"甲{number}").replace("乙项目", f"乙{number}")
        tables.append(f"## 表{number}\n\n" + (rows if number in (21, 50) else rows.replace("某局| |", "某局 |")))
    text = "\n".join(tables)
    reads = []
    check = formatter.check
    monkeypatch.setattr(formatter, "check", lambda *args: reads.append(1) or check(*args))
    result = formatter.format_text(text, "t.md")
    assert len(formatter.layout.blocks(formatter.layout.items(text))) == 64
    starts = [number for number, line in enumerate(text.splitlines(), start=1) if line.startswith("| 项目名称")]
    assert [line for line, _ in kept_notes(result)] == [starts[21], starts[50]]
    assert result.text.splitlines().count("|---|---|---|---|---|---|---|") == 2  # the two kept; 62 aligned
    assert meaning(linter, result.text) == meaning(linter, text)
    searched = len(reads) - 2  # the read of the input and the one of its comparators rewritten (fix_text)
    assert searched <= 2 * 2 * 6 + 2, searched


def test_check_and_diff_exit_codes_with_a_kept_block(tmp_path):
    """A kept block is no change: exit 0 with its note if nothing else changes, 1 if another table does."""
    alone, mixed = tmp_path / "alone.md", tmp_path / "mixed.md"
    alone.write_text(PER_ROW, encoding="utf-8")
    mixed.write_text(PER_ROW + "\n" + LABELS, encoding="utf-8")
    for options in (["--check"], ["--diff"]):
        result = run("fmt", *options, "--lang", "en", str(alone))
        assert result.exit_code == 0 and f"{alone}:1:1: BL007 rows that do not line up" in result.stderr
        assert result.stderr.count("(kept as written)") == 1 and "0 files would be reformatted" in result.stderr
        assert run("fmt", *options, str(mixed)).exit_code == 1
    assert run("fmt", "--quiet", str(mixed)).stderr == ""
    assert mixed.read_text(encoding="utf-8") == PER_ROW + "\n" + LABELS_ALIGNED
    assert alone.read_text(encoding="utf-8") == PER_ROW


def test_a_kept_note_points_at_the_line_of_the_file_on_disk(tmp_path):
    """Before the kept block fmt adds a delimiter row and a blank line and drops a page break: the note moves
    down one line with the block."""
    path = tmp_path / "t.md"
    text = TAB_TABLE + "\n" + PER_ROW
    path.write_text(text, encoding="utf-8")
    first = len(TAB_TABLE.splitlines()) + 2
    checked = run("fmt", "--check", "--lang", "en", str(path))
    assert checked.exit_code == 1 and f"{path}:{first}:1: BL007" in checked.stderr
    written = run("fmt", "--lang", "en", str(path))
    assert written.exit_code == 0 and f"{path}:{first + 1}:1: BL007" in written.stderr
    assert path.read_text(encoding="utf-8") == CANONICAL + "\n" + PER_ROW


# ==================================================================== the seed
@pytest.fixture(scope="module")
def seed_formatted(formatter) -> str:
    return fmt(formatter, SEED.read_text(encoding="utf-8"))


def test_seed_becomes_pipe_rows_with_the_same_19_projects(linter, seed_formatted):
    raw = SEED.read_text(encoding="utf-8")
    assert sum(line.kind == "row" and line.delimiter == "\t" for line in iter_lines(raw)) == 539
    assert not [line for line in iter_lines(seed_formatted) if line.kind == "row" and line.delimiter == "\t"]
    # the one TAB left is a PDF rule line ("------<TAB>----"), which the grammar reads as a separator
    assert [line.kind for line in iter_lines(seed_formatted) if "\t" in line.text] == ["separator"]
    document, findings = linter.check_text(seed_formatted, "seed.md")
    assert [(p.name, len(p.indicators)) for p in document.projects] == HAND_COUNTS
    assert meaning(linter, seed_formatted) == meaning(linter, raw)
    # only the comparator spellings are gone; every other finding is still there
    before = linter.check_text(raw, "seed.txt")[1]
    assert [f.code for f in before if f.code != "BL802"] == [f.code for f in findings]
    assert sum(f.code == "BL802" for f in before) == 11


def test_seed_fmt_is_idempotent(formatter, seed_formatted):
    again = formatter.format_text(seed_formatted, "seed.md")
    assert not again.changed and again.text == seed_formatted


def test_seed_and_its_pipe_twin_format_to_the_same_model(formatter, linter, seed_formatted):
    twin = fmt(formatter, PIPE_SEED.read_text(encoding="utf-8"))
    assert meaning(linter, twin) == meaning(linter, seed_formatted)


def test_seed_keeps_its_text_lines(seed_formatted):
    kept = [line.text for line in iter_lines(SEED.read_text(encoding="utf-8")) if line.kind != "row"]
    assert len(kept) == 66
    added = {"row", "separator"}  # rows, and the delimiter rows fmt adds after the headings
    assert [
        line.text for line in iter_lines(seed_formatted) if not (line.kind in added and line.text[:1] == "|")
    ] == kept


def test_seed_indicators_render_as_markdown_tables(linter, seed_formatted):
    # markdown-it (rich's own dependency) with its GFM table rule: one table per project, every indicator a row
    from markdown_it import MarkdownIt

    html = MarkdownIt("commonmark").enable("table").render(seed_formatted)
    tables = re.findall(r"<table>.*?</table>", html, re.S)
    rows = [t.count("<tr>") - 1 for t in tables]  # less the headings
    counts = [len(p.indicators) for p in linter.parse(seed_formatted).projects]
    assert len(tables) == 19
    assert all(shown >= count for shown, count in zip(rows, counts))
    assert sum(rows) - sum(counts) == 1  # one row holds only a label fragment (BL001)
    raw = MarkdownIt("commonmark").enable("table").render(SEED.read_text(encoding="utf-8"))
    assert "<table>" not in raw


# ==================================================================== the command
def test_cli_formats_a_copy_of_the_seed_that_check_reads_the_same(tmp_path):
    copy = tmp_path / "seed.txt"
    copy.write_bytes(SEED.read_bytes())
    result = run("fmt", str(copy), "--lang", "en")
    assert result.exit_code == 0
    assert "1 file reformatted, 0 unchanged" in result.stderr
    assert "BL001" in result.stderr and "(kept as written)" in result.stderr
    formatted = copy.read_text(encoding="utf-8")
    checked = run("check", str(copy), "--format", "json")
    assert '"projects": 19' in checked.output
    second = run("fmt", str(copy))
    assert second.exit_code == 0 and copy.read_text(encoding="utf-8") == formatted
    assert "0 files reformatted, 1 unchanged" in second.stderr


def test_check_exits_one_and_writes_nothing(tmp_path):
    messy = tmp_path / "messy.md"
    messy.write_text(TAB_TABLE, encoding="utf-8")
    tidy = tmp_path / "tidy.md"
    tidy.write_text(CANONICAL, encoding="utf-8")
    result = run("fmt", "--check", str(messy), str(tidy))
    assert result.exit_code == 1
    assert f"would reformat {messy}" in result.stderr and str(tidy) not in result.stderr.replace("unchanged", "")
    assert messy.read_text(encoding="utf-8") == TAB_TABLE
    assert run("fmt", "--check", str(tidy)).exit_code == 0


def test_diff_prints_a_unified_diff_and_writes_nothing(tmp_path):
    messy = tmp_path / "messy.md"
    messy.write_text(TAB_TABLE, encoding="utf-8")
    result = run("fmt", "--diff", str(messy))
    assert result.exit_code == 1  # as `ruff format --diff`: a change to make fails the run
    assert result.stdout.startswith(f"--- {messy}\n+++ {messy}\n@@ ")
    assert "-3-满意度指标\t31-服务对象满意度\t参训人员满意度\t达90%以上\n" in result.stdout
    assert "+| 3-满意度指标 | 31-服务对象满意度 | 参训人员满意度 | ≥90%             |\n" in result.stdout
    assert messy.read_text(encoding="utf-8") == TAB_TABLE


def test_diff_and_check_exit_one_on_a_change_and_zero_without(tmp_path):
    messy = tmp_path / "messy.md"
    messy.write_text(TAB_TABLE, encoding="utf-8")
    tidy = tmp_path / "tidy.md"
    tidy.write_text(CANONICAL, encoding="utf-8")
    for options in (["--diff"], ["--check"], ["--check", "--diff"]):
        assert run("fmt", *options, str(messy), str(tidy)).exit_code == 1, options
        unchanged = run("fmt", *options, str(tidy))
        assert unchanged.exit_code == 0 and unchanged.stdout == "", options
    assert messy.read_text(encoding="utf-8") == TAB_TABLE


def test_notes_point_at_the_lines_of_the_file_on_disk(tmp_path):
    path = tmp_path / "t.md"
    path.write_text(
        table("""
        项目名称\t示例项目
        一级指标\t二级指标\t三级指标\t绩效值
        1-产出指标\t11-数量指标\t举办培训\t2 期

        \t标\t结余经费\t1 万元
    """),
        encoding="utf-8",
    )
    checked = run("fmt", "--check", "--lang", "en", str(path))
    assert f"{path}:5:2: BL001" in checked.stderr  # as the file is: line 5
    written = run("fmt", "--lang", "en", str(path))
    # as written: a blank line before the headings and a delimiter row after them, the page break gone
    assert f"{path}:6:16: BL001" in written.stderr
    assert path.read_text(encoding="utf-8").splitlines()[5].startswith("|            | 标 ")


def test_unreadable_file_is_one_line_exit_2_and_the_others_are_formatted(tmp_path):
    binary = tmp_path / "a.md"
    binary.write_bytes(b"\x00\x01binary")
    messy = tmp_path / "b.md"
    messy.write_text(TAB_TABLE, encoding="utf-8")
    result = run("fmt", str(binary), str(messy), str(tmp_path / "missing.md"))
    assert result.exit_code == 2
    errors = [line for line in result.stderr.splitlines() if "a.md" in line or "missing.md" in line]
    assert errors == [
        f"{binary}:1: binary file (NUL bytes), not a text document",
        f"{tmp_path / 'missing.md'}: no such file or directory",
    ]
    assert messy.read_text(encoding="utf-8") == CANONICAL
    assert binary.read_bytes() == b"\x00\x01binary"
    assert "Traceback" not in result.output


def test_a_failed_write_keeps_the_original(tmp_path, monkeypatch):
    messy = tmp_path / "messy.md"
    messy.write_text(TAB_TABLE, encoding="utf-8")

    def refuse(*_args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", refuse)
    result = run("fmt", str(messy))
    assert result.exit_code == 2
    assert "cannot write (No space left on device); left unchanged" in result.stderr
    assert messy.read_text(encoding="utf-8") == TAB_TABLE
    assert [p.name for p in tmp_path.iterdir()] == ["messy.md"]


def test_encoding_bom_and_crlf_are_kept(tmp_path):
    path = tmp_path / "bom.md"
    path.write_bytes(b"\xef\xbb\xbf" + TAB_TABLE.replace("\n", "\r\n").encode("utf-8"))
    run("fmt", str(path))
    assert path.read_bytes() == b"\xef\xbb\xbf" + CANONICAL.replace("\n", "\r\n").encode("utf-8")


def test_folders_are_walked_and_files_without_tables_skipped(tmp_path):
    (tmp_path / "docs").mkdir()
    readme = tmp_path / "docs" / "README.md"
    readme.write_text("# 说明\n\n| a | b |\n", encoding="utf-8")
    messy = tmp_path / "docs" / "t.txt"
    messy.write_text(TAB_TABLE, encoding="utf-8")
    result = run("fmt", str(tmp_path))
    assert result.exit_code == 0
    assert messy.read_text(encoding="utf-8") == CANONICAL
    assert readme.read_text(encoding="utf-8") == "# 说明\n\n| a | b |\n"


# ==================================================================== the properties
NAMES = "科普活动培训建设项目经费宣传服务中心基地站点设备购置维护人员工作调研课题专项年度（）、|ab "
GROUPS = [
    ("1-产出指标", ["11-数量指标", "12-质量指标", "13-时效指标", "14-成本指标"]),
    ("2-效益指标", ["21-经济效益", "22-社会效益", "24-可持续影响"]),
    ("3-满意度指标", ["31-服务对象满意度"]),
]
EXTRA_LINES = [
    "",
    "",
    "资金来源见附件",
    "<!-- 注释 -->",
    "<!-- budgetlint: disable=BL801 -->",
    "|---|---|",
    "---",
    "   ",
    "单位：元",
    "(2024年度)",
]
PROPERTY_SETTINGS = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])

names = st.text(alphabet=NAMES, min_size=1, max_size=30).map(str.strip).filter(bool)
amounts = st.decimals(min_value=0, max_value=100000, places=2).map(lambda d: format(d, "f"))


# fmt rewrites comparators and must keep empty and dash cells: more spellings than the tables' values.
VALUES = [*TABLE_VALUES, "不少于 10 项", "达到 7%", "≧5 项", "90%以上", "<=2%", "", "-", "- -"]


@st.composite
def documents(draw):
    """Tables as they arrive: TAB and pipe rows mixed, empty cells, page breaks, stray lines."""

    def row(cells):
        cells = cells + [""] * draw(st.integers(0, 2))
        if draw(st.booleans()):
            return "\t".join(cells)
        body = " | ".join(cell.replace("|", "\\|") for cell in cells)
        return draw(st.sampled_from(["", "  "])) + "| " + body + draw(st.sampled_from([" |", ""]))

    lines = ["# 2024年部门项目支出绩效目标表", "单位：万元", ""]
    for _ in range(draw(st.integers(1, 2))):
        lines += [
            row(["项目名称", draw(names)]),
            row(["项目属性", "02-经常性项目", "项目期", "99年"]),
            row(["项目总额", draw(amounts), "其中：年度资金总额", draw(amounts)]),
            row(["其中：本级资金", "资金总额", draw(amounts), "其中：转移市县（区）资金", "资金总额", draw(amounts)]),
            row(["", "其中：财政拨款", draw(amounts), "", "其中：中央资金", "0"]),
            row(["年度总体绩效目标", draw(names) * draw(st.integers(1, 4))]),
        ]
        if draw(st.booleans()):
            lines.append(row(["一级指标", "二级指标", "三级指标", "绩效值"]))
        for level1, level2s in GROUPS:
            first1 = True
            for level2 in draw(st.lists(st.sampled_from(level2s), min_size=1, max_size=2, unique=True)):
                first2 = True
                for _ in range(draw(st.integers(1, 3))):
                    lines.append(
                        row(
                            [
                                level1 if first1 else "",
                                level2 if first2 else "",
                                draw(names),
                                draw(st.sampled_from(VALUES)),
                            ]
                        )
                    )
                    first1 = first2 = False
        lines.append("")
    for _ in range(draw(st.integers(0, 4))):
        lines.insert(draw(st.integers(3, len(lines))), draw(st.sampled_from(EXTRA_LINES)))
    return "\n".join(lines) + draw(st.sampled_from(["\n", ""]))


@PROPERTY_SETTINGS
@given(st.one_of(documents(), damaged_seed()))
def test_fmt_never_changes_a_value_and_is_idempotent(formatter, linter, text):
    once = formatter.format_text(text, "p.md")  # raises FormatError if its own check fails
    assert meaning(linter, once.text) == meaning(linter, text)
    twice = formatter.format_text(once.text, "p.md")
    assert twice.text == once.text
    if once.projects:
        assert not [line for line in iter_lines(once.text) if line.kind == "row" and line.delimiter == "\t"]


def test_a_tab_rule_line_alone_becomes_a_pipe_rule(formatter):
    text = "项目名称\t宁夏科技馆公益免费开放资金项目(地方财政)\n----\n--\t-----------------------\n"
    once = formatter.format_text(text, "p.md").text
    assert once.splitlines()[-1] == "| -- | ----------------------- |"
    assert "\t" not in once
