"""Check kinds of the layout family that need the whole project (the rest come from the reader)."""

from __future__ import annotations

from budgetlint.checks import check_kind
from budgetlint.findings import Finding


@check_kind(
    "missing-field",
    params={"fields": {"type": "list"}},
)
def missing_field(project, params, ctx):
    """BL003: a required header field is absent, or present with no value."""
    canonical = ctx.vocabulary.header_canonical
    for key in params["fields"]:
        found = project.fields.get(key)
        if found is not None and found.text.strip():
            continue
        label = canonical.get(key, key)
        if found is None:
            yield Finding("", project.span, args={"label": label}, expected=label)
        else:
            yield Finding("", found.label_span, args={"label": label, "variant": "empty"}, expected=label, actual="")
