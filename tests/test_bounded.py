"""Resources bounded by design (issue 22): the narrative checks do linear work, pathological cells are
capped, findings are held compactly or spilled, parse and fmt refuse what they cannot hold.  Nothing
here is timed: work is counted (tests/test_input_linear.py's `executed_lines`), memory measured by
tracemalloc where it is the point."""

from __future__ import annotations

import random

from test_input_linear import assert_linear_work

HEAD = "| 项目名称 | 示例 |\n| 年度资金总额 | 100 |\n| 年度总体绩效目标 | "
INDICATORS = (
    "| 一级指标 | 二级指标 | 三级指标 | 指标值 |\n"
    "| 产出指标 | 数量指标 | 培训人员 | 8 人次 |\n"
    "| 成本指标 | 经济成本指标 | 支出 | 3 万元 |\n"
)


def narrative(parts: list[str]) -> str:
    return HEAD + "".join(parts) + " |\n" + INDICATORS


def distinct_sentences(n: int) -> str:
    """n sentences no two alike (random characters): the repeat check compares each with the others."""
    rng = random.Random(n)
    chars = [chr(code) for code in range(0x4E00, 0x4E00 + 3000)]
    return narrative(["".join(rng.choice(chars) for _ in range(24)) + f"完成{i}项。" for i in range(n)])


def test_the_repeated_paragraph_check_does_linear_work_on_distinct_sentences(linter):
    # Each sentence was compared with every earlier one: x16 work for x4 sentences.
    assert_linear_work(lambda text: linter.check_text(text), distinct_sentences, 200, factor=4)


def test_the_narrative_checks_do_linear_work_on_many_amounts(linter):
    amounts = {
        "counts": lambda n: narrative(["培训人员 8 人次，采购图书 120 册，"] * n),
        "money": lambda n: narrative([f"支出 {i} 万元，" for i in range(n)]),
        "one clause": lambda n: narrative(["培训人员 8 人次 采购图书 120 册 "] * n),
    }
    for make in amounts.values():
        assert_linear_work(lambda text: linter.check_text(text), make, 200, factor=4)


def test_a_repeated_sentence_is_still_found_among_many(linter):
    text = distinct_sentences(300)
    rows = text.split("完成")
    repeat = rows[5].split("。")[-1]  # a sentence of 24 random characters, pasted again near the end
    text = text.replace("完成299项。", "完成299项。" + repeat + "完成4项。")
    _, findings = linter.check_text(text)
    found = [f for f in findings if f.code == "BL703"]
    assert len(found) == 1 and found[0].span.line == 3
    assert found[0].related[0].label.startswith(repeat[:10])
