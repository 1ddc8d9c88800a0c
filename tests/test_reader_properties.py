"""Properties of the reader: any input reads without raising; a model written as pipe rows reads back the same."""

from __future__ import annotations

from conftest import VALUES, damaged_seed
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from writer import write_document

from budgetlint.model import project_signature

NAME_CHARS = "科普活动培训建设项目经费宣传服务中心基地站点设备购置维护人员工作调研课题专项年度（）、"
GROUPS = [
    ("1-产出指标", ["11-数量指标", "12-质量指标", "13-时效指标", "14-成本指标"]),
    ("2-效益指标", ["21-经济效益", "22-社会效益", "23-生态效益", "24-可持续影响"]),
    ("3-满意度指标", ["31-服务对象满意度"]),
]
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

names = st.text(alphabet=NAME_CHARS, min_size=1, max_size=18)
amounts = st.decimals(min_value=0, max_value=100000, places=2).map(lambda d: format(d, "f"))


@st.composite
def tables(draw):
    delimiter = draw(st.sampled_from(["\t", "|"]))

    def row(cells):
        if delimiter == "|":
            return "| " + " | ".join(cells) + " |"
        return "\t".join(cells)

    lines = ["2024年部门项目支出绩效目标表", "单位：万元", ""]
    for _ in range(draw(st.integers(1, 3))):
        total = draw(amounts)
        lines += [
            row(["项目名称", draw(names)]),
            row(["项目属性", "02-经常性项目", "项目期", "99年"]),
            row(["项目总额", total, "其中：年度资金总额", draw(amounts)]),
            row(["其中：本级资金", "资金总额", draw(amounts), "其中：转移市县（区）资金", "资金总额", draw(amounts)]),
            row(["", "其中：财政拨款", draw(amounts), "", "其中：中央资金", "0"]),
            row(["年度总体绩效目标", draw(names)]),
            row(["一级指标", "二级指标", "三级指标", "绩效值"]),
        ]
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
    return "\n".join(lines) + "\n"


@SETTINGS
@given(tables())
def test_written_pipe_model_reads_back_the_same(linter, text):
    first = linter.parse(text, "a")
    labels = dict(linter.vocabulary.header_canonical)
    rewritten = write_document(first, labels, title="2024年部门项目支出绩效目标表", unit="万元")
    second = linter.parse(rewritten, "b")
    assert [project_signature(p) for p in first.projects] == [project_signature(p) for p in second.projects]
    _, findings = linter.check_text(rewritten, "b")
    assert not [f for f in findings if f.code in ("BL001", "BL002", "BL006", "BL007")]


@SETTINGS
@given(st.one_of(st.text(max_size=300), damaged_seed()))
def test_any_input_reads_and_checks_without_raising(linter, text):
    document, findings = linter.check_text(text, "fuzz.md")
    for finding in findings:
        assert finding.span.line >= 1 and finding.span.column >= 1
        assert finding.message
