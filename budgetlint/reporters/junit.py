"""`--format junit`: JUnit XML, the report CI systems (GitLab `reports: junit:`, Jenkins, Azure) show as tests.

One `<testsuite>` a checked file (its name the path); one `<testcase>` a finding, failing with the
finding's message and its rule code as `type`; a file without findings has one passing testcase, so a
clean run shows what was checked.  A file that could not be read is a testcase with an `<error>`.
The shape is the common one (Jenkins' junit-10.xsd, which GitLab reads): tests/schemas/junit.xsd.
"""

from __future__ import annotations

from xml.etree import ElementTree as ET

from budgetlint.reporters.terminal import visible_except


def _suites(result) -> dict[str, tuple[list, list]]:
    suites: dict[str, tuple[list, list]] = {path: ([], []) for path in sorted(set(result.checked))}
    for finding in result.findings:
        suites.setdefault(finding.path, ([], []))[0].append(finding)
    for error in result.errors:
        suites.setdefault(error.path, ([], []))[1].append(error)
    return suites


def tree(result) -> ET.Element:
    root = ET.Element("testsuites", name="budgetlint")
    total = failed = errored = 0
    for path, (findings, errors) in _suites(result).items():
        suite = ET.SubElement(root, "testsuite", name=path)
        for f in findings:
            where = f.place or f"{f.span.line}:{f.span.column}"  # a workbook's `Sheet2!C5`, a PDF's `page 3`
            case = ET.SubElement(suite, "testcase", name=f"{f.code} {f.rule} ({where})", classname=path)
            failure = ET.SubElement(case, "failure", message=f.message, type=f.code)
            details = [f"{f.path}:{where}: {f.code} [{f.severity}] {f.message}"]
            if f.project:
                details.append(f"project: {f.project}")
            failure.text = "\n".join(details)
        for error in errors:
            case = ET.SubElement(suite, "testcase", name=f"E000 ({error.line or 1}:1)", classname=path)
            ET.SubElement(case, "error", message=error.message, type="E000").text = str(error)
        if not findings and not errors:
            ET.SubElement(suite, "testcase", name="budgetlint", classname=path)
        tests = max(1, len(findings) + len(errors))
        suite.set("tests", str(tests))
        suite.set("failures", str(len(findings)))
        suite.set("errors", str(len(errors)))
        suite.set("skipped", "0")
        suite.set("time", "0")
        total, failed, errored = total + tests, failed + len(findings), errored + len(errors)
    root.set("tests", str(total))
    root.set("failures", str(failed))
    root.set("errors", str(errored))
    root.set("time", "0")
    return root


def render(result, stream, options) -> None:
    root = tree(result)
    ET.indent(root)
    stream.write('<?xml version="1.0" encoding="UTF-8"?>\n')
    # XML 1.0 has no ESC, BEL …: a document's control characters are written escaped (\x1b), as on a terminal
    stream.write(visible_except(ET.tostring(root, encoding="unicode"), "\t\n\r"))
    stream.write("\n")
