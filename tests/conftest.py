"""Shared helpers: tests read like the tables they check — a few rows inline, the finding at a line."""

from __future__ import annotations

import os
import textwrap
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from budgetlint.config import Config
from budgetlint.engine import Linter

# No test measures time: Hypothesis would fail an example slower than 200 ms (its deadline) and a test whose
# data comes slowly (the too_slow health check), both of which a loaded CI machine can trigger.  A test
# that sets its own suppress_health_check replaces this list, so it names too_slow itself.
settings.register_profile("untimed", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("untimed")

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
SEED = EXAMPLES / "ningxia-kexie-2024-performance-targets.txt"
PIPE_SEED = EXAMPLES / "ningxia-kexie-2024-performance-targets.md"


@pytest.fixture(autouse=True, scope="session")
def _in_the_repository():
    """Run from the repository's root, wherever pytest was started: reports show paths relative to the
    working folder, and the tests compare them."""
    before = Path.cwd()
    os.chdir(ROOT)
    yield
    os.chdir(before)


def this_checkout(env: dict[str, str]) -> dict[str, str]:
    """env with this checkout first on PYTHONPATH, for a `python -m budgetlint` subprocess started in
    another folder: without it the child imports the installed budgetlint (an editable install points
    at one checkout), not the code under test."""
    return {**env, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))}


def ctrl_c_reaches_it() -> None:
    """For subprocess.Popen(preexec_fn=…) in tests that send SIGINT: the child takes Ctrl-C as a terminal's
    program does, even when pytest itself was started with SIGINT ignored (a background job of a
    non-interactive shell, `nohup`), which a child would otherwise inherit."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_DFL)


@pytest.fixture(scope="session")
def linter() -> Linter:
    return Linter(Config(), lang="en")


@pytest.fixture(scope="session")
def zh() -> Linter:
    return Linter(Config(), lang="zh")


@pytest.fixture(scope="session")
def lark_value():
    """lark's own parser of grammar/value.lark, with the options of budgetlint.lalr.value_parser's tables."""
    from lark import Lark

    from budgetlint.resources import grammar_path

    return Lark(
        grammar_path("value.lark").read_text(encoding="utf-8"),
        parser="lalr",
        lexer="contextual",
        propagate_positions=True,
    )


def table(text: str) -> str:
    """Dedent an inline table and drop the first newline, so line 1 is the first row."""
    return textwrap.dedent(text).lstrip("\n")


def findings_of(linter: Linter, text: str, code: str | None = None):
    _, findings = linter.check_text(table(text), "t.md")
    return [f for f in findings if code is None or f.code == code]


def indicator_rows(*lines: str) -> str:
    """A table of indicator rows only: 项目名称 on line 1, the column headings on line 2, `lines` from line 3."""
    return "| 项目名称 | 示例项目 |\n| 一级指标 | 二级指标 | 三级指标 | 绩效值 |\n" + "".join(
        f"{line}\n" for line in lines
    )


def lines_of(linter: Linter, text: str, code: str) -> list[int]:
    return [f.span.line for f in findings_of(linter, text, code)]


# A clean table without its satisfaction row (tests add the row they need).
# A balanced header of the 宁夏 form, no indicators: the tables of the layout and damage tests start here.
HEADER_TABLE = table("""
    | 项目名称 | 示例项目 |
    | 项目属性 | 02-经常性项目 | 项目期 | 99年 |
    | 项目总额 | 10 | 年度资金总额 | 10 |
    | 本级资金 | 10 | 转移市县（区）资金 | 0 |
    | 财政拨款 | 6 | 中央资金 | 0 |
    | 其他资金 | 4 | 自治区资金 | 0 |
    | 年度总体绩效目标 | 完成示例工作。 |
""")

CLEAN_TABLE = table("""
    # 2024年部门项目支出绩效目标表
    单位：万元

    | 项目名称 | 示例项目 |
    | 项目属性 | 02-经常性项目 | 项目期 | 99年 |
    | 项目总额 | 10 | 年度资金总额 | 10 |
    | 本级资金 | 10 | 转移市县（区）资金 | 0 |
    | 财政拨款 | 10 | 中央资金 | 0 |
    | 其他资金 | 0 | 自治区资金 | 0 |
    | 结余结转资金 | 0 |
    | 年度总体绩效目标 | 举办培训 2 期。 |

    | 一级指标 | 二级指标 | 三级指标 | 绩效值 |
    |---|---|---|---|
    | 1-产出指标 | 11-数量指标 | 举办培训 | 2 期 |
    | | 12-质量指标 | 培训合格率 | ≥90% |
    | | 13-时效指标 | 完成时间 | 2024年12月31日前 |
    | | 14-成本指标 | 举办培训 | 5 万元/期 |
    | 2-效益指标 | 22-社会效益 | 参训人员技能达标率 | ≥85% |
""")

# Target values as tables write them, for tests that write tables of their own.
VALUES = [
    "≥5 项",
    "2期",
    "≥90%",
    "100%",
    "2024年12月30日前",
    "2024年1月-2024年12月",
    "1-12月",
    "5万元",
    "14.775万元/期",
    "2 元/人次",
    "持续提升",
    "0",
    "无",
    "达90%以上",
    ">=20 次",
    "62560元/年",
    "≥85%",
    "20.5 万余师生",
    "40 万",
    "3",
]

SEED_LINES = SEED.read_text(encoding="utf-8").split("\n")


@st.composite
def damaged_seed(draw):
    """A slice of the real seed with PDF-like damage: lines dropped, doubled, split, re-delimited, junk."""
    start = draw(st.integers(0, len(SEED_LINES) - 1))
    lines = SEED_LINES[start : start + draw(st.integers(1, 80))]
    for _ in range(draw(st.integers(0, 6))):
        if not lines:
            break
        index = draw(st.integers(0, len(lines) - 1))
        action = draw(st.sampled_from(["drop", "dup", "split", "tab", "pipe", "blank", "junk"]))
        if action == "drop":
            del lines[index]
        elif action == "dup":
            lines.insert(index, lines[index])
        elif action == "split":
            cut = draw(st.integers(0, len(lines[index])))
            lines[index : index + 1] = [lines[index][:cut], lines[index][cut:]]
        elif action == "tab":
            lines[index] = lines[index].replace("\t", "", 1)
        elif action == "pipe":
            lines[index] = "| " + lines[index].replace("\t", " | ")
        elif action == "blank":
            lines.insert(index, "")
        else:
            lines[index] += draw(st.text(max_size=10))
    return "\n".join(lines)
