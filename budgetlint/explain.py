"""`budgetlint explain CODE`: a rule's own documentation, generated from its catalogue entry."""

from __future__ import annotations

_HEAD = {
    "zh": {
        "severity": "默认级别",
        "kind": "检查类型",
        "why": "原因",
        "params": "参数",
        "bad": "违反示例（第 {line} 行报告）",
        "good": "合规示例",
        "fixable": "可自动修复",
        "family": "类别",
    },
    "en": {
        "severity": "default severity",
        "kind": "check kind",
        "why": "Why",
        "params": "Parameters",
        "bad": "Bad example (reported at line {line})",
        "good": "Good example",
        "fixable": "fixable",
        "family": "family",
    },
}


def explain_text(rule, lang: str = "zh") -> str:
    head = _HEAD.get(lang, _HEAD["zh"])
    lines = [f"{rule.code} {rule.name}", rule.summary.get(lang, ""), ""]
    lines.append(
        f"{head['severity']}: {rule.severity}   {head['kind']}: {rule.kind}"
        + (f"   ({head['fixable']})" if rule.fixable else "")
    )
    rationale = rule.rationale.get(lang, "")
    if rationale:
        lines += ["", f"{head['why']}:", f"  {rationale}"]
    if rule.params:
        lines += ["", f"{head['params']}:"]
        for param in rule.params.values():
            default = param.default
            if isinstance(default, tuple):
                default = list(default)
            lines.append(f"  {param.name} ({param.type}, default {default}): {param.description.get(lang, '')}")
    for example in rule.examples:
        title = head["bad"].format(line=example.line) if example.expect == "bad" else head["good"]
        lines += ["", f"{title}:"]
        lines += [f"    {line}" for line in example.text.strip("\n").split("\n")]
    return "\n".join(lines)
