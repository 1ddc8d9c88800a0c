"""The language server: positions, the incremental re-check, and `budgetlint lsp` spoken to over real JSON-RPC.

The protocol tests start `python -m budgetlint lsp` as a subprocess and talk
to it with `LspProcess`, a small client written here (Content-Length framing
over stdin/stdout, a reader thread, a timeout on every wait), so that a hung
server fails the test instead of hanging CI.
"""

from __future__ import annotations

import json
import os
import queue
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from conftest import CLEAN_TABLE, SEED, table
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from budgetlint.config import Config
from budgetlint.engine import Linter
from budgetlint.lsp import LineIndex, TableCache, apply_change, fix_all_edits, hover_markdown, rule_href
from budgetlint.model import project_signature
from budgetlint.rules import load_catalogue

TIMEOUT = 30.0  # seconds for any one answer; start-up on a loaded CI machine included
ROOT = Path(__file__).resolve().parent.parent


# ==================================================================== a small LSP client
class LspProcess:
    """`budgetlint lsp` in a subprocess, spoken to in JSON-RPC with Content-Length framing."""

    def __init__(self, *args: str, cwd: Path | None = None, command: list[str] | None = None):
        self.process = subprocess.Popen(
            command or [sys.executable, "-m", "budgetlint", "lsp", *args],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            cwd=cwd,
            # this checkout's budgetlint, whatever the working folder
            env={**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))},
        )
        self.messages: queue.Queue = queue.Queue()
        self.backlog: list = []  # received, not yet asked for
        self.next_id = 0
        self.stderr = b""
        threading.Thread(target=self._read, daemon=True).start()
        self._stderr_reader = threading.Thread(target=self._drain_stderr, daemon=True)
        self._stderr_reader.start()

    # ---------------------------------------------------------------- wire
    def _read(self) -> None:
        stream = self.process.stdout
        while True:
            headers = {}
            while True:
                line = stream.readline()
                if not line:
                    self.messages.put(None)  # the server closed its stdout
                    return
                line = line.strip()
                if not line:
                    break
                name, _, value = line.decode("ascii").partition(":")
                headers[name.strip().lower()] = value.strip()
            body = stream.read(int(headers["content-length"]))
            received = time.perf_counter()  # when it arrived, before this client reads it
            self.messages.put((received, json.loads(body.decode("utf-8"))))

    def _drain_stderr(self) -> None:
        for chunk in iter(lambda: self.process.stderr.read(4096), b""):
            self.stderr += chunk

    def send(self, message: dict) -> float:
        body = json.dumps({"jsonrpc": "2.0", **message}, ensure_ascii=False).encode("utf-8")
        self.process.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.process.stdin.flush()
        return time.perf_counter()

    def notify(self, method: str, params: dict | None = None) -> float:
        return self.send({"method": method, "params": params if params is not None else {}})

    def request(self, method: str, params: dict | None = None, timeout: float = TIMEOUT):
        self.next_id += 1
        ident = self.next_id
        self.send({"id": ident, "method": method, "params": params if params is not None else {}})
        message = self.wait_for(lambda m: m.get("id") == ident and "method" not in m, timeout)
        if "error" in message:
            raise AssertionError(f"{method} failed: {message['error']}")
        return message.get("result")

    def wait_for(self, predicate, timeout: float = TIMEOUT, stamped: bool = False):
        """The first message not yet taken that satisfies `predicate` (requests from the server are answered)."""
        for position, (received, message) in enumerate(self.backlog):
            if predicate(message):
                del self.backlog[position]
                return (received, message) if stamped else message
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(
                    f"no expected message from the server within {timeout}s; stderr:\n"
                    + self.stderr.decode("utf-8", "replace")[-3000:]
                )
            try:
                item = self.messages.get(timeout=left)
            except queue.Empty:
                continue
            if item is None:
                raise AssertionError("the server closed its output; stderr:\n" + self.stderr.decode("utf-8", "replace"))
            received, message = item
            if "method" in message and "id" in message:  # a request from the server: answer it
                self.send({"id": message["id"], "result": None})
                continue
            if predicate(message):
                return (received, message) if stamped else message
            self.backlog.append(item)

    def diagnostics(self, uri: str, timeout: float = TIMEOUT, stamped: bool = False):
        found = self.wait_for(
            lambda m: m.get("method") == "textDocument/publishDiagnostics" and m["params"]["uri"] == uri,
            timeout,
            stamped,
        )
        if stamped:
            return found[0], found[1]["params"]
        return found["params"]

    # ---------------------------------------------------------------- session
    def initialize(self, root: Path | None = None, options: dict | None = None) -> dict:
        result = self.request(
            "initialize",
            {
                "processId": os.getpid(),
                "rootUri": root.as_uri() if root else None,
                "capabilities": {"textDocument": {"hover": {"contentFormat": ["markdown", "plaintext"]}}},
                "initializationOptions": options or {},
            },
        )
        self.notify("initialized")
        return result

    def open(self, uri: str, text: str, version: int = 1) -> float:
        return self.notify(
            "textDocument/didOpen",
            {"textDocument": {"uri": uri, "languageId": "markdown", "version": version, "text": text}},
        )

    def change(self, uri: str, text: str, version: int) -> float:
        return self.notify(
            "textDocument/didChange",
            {"textDocument": {"uri": uri, "version": version}, "contentChanges": [{"text": text}]},
        )

    def close(self, timeout: float = TIMEOUT) -> int:
        """shutdown → exit; the exit code of the process."""
        self.request("shutdown")
        self.notify("exit")
        try:
            return self.process.wait(timeout=timeout)
        finally:
            self.kill()

    def kill(self) -> None:
        """Stop the server if it still runs; then `stderr` holds all it wrote (its reader saw the end of the pipe)."""
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=TIMEOUT)
        self._stderr_reader.join(timeout=TIMEOUT)


# ==================================================================== documents
SATISFACTION_ROW = "| 3-满意度指标 | 31-服务对象满意度 | 𠀀参训人员满意度 | {value} |"
# Line 20 (0-based 19): "达90%以上" starts at character 36; 𠀀 before it is two UTF-16 units, so at unit 37.
BAD = CLEAN_TABLE + SATISFACTION_ROW.format(value="达90%以上") + "\n"
GOOD = CLEAN_TABLE + SATISFACTION_ROW.format(value="≥90%") + "\n"
BAD_LINE0 = 19
BAD_START = {"line": BAD_LINE0, "character": 37}
BAD_END = {"line": BAD_LINE0, "character": 43}


# ==================================================================== positions
def test_columns_become_utf16_units_cjk_one_astral_two():
    index = LineIndex("ab\n𠀀中x😀y\n")
    assert index.position(2, 1) == (1, 0)
    assert index.position(2, 2) == (1, 2)  # after 𠀀: two units
    assert index.position(2, 3) == (1, 3)  # after 中: one unit
    assert index.position(2, 5) == (1, 6)  # after x😀
    assert index.position(2, 99) == (1, 7)  # clamped to the end of the line
    assert index.position(99, 1) == (2, 0)  # clamped to the last line


def test_columns_in_utf8_and_utf32():
    assert LineIndex("𠀀中x", "utf-8").position(1, 3) == (0, 7)
    assert LineIndex("𠀀中x", "utf-32").position(1, 3) == (0, 2)


def test_client_positions_back_to_columns():
    index = LineIndex("𠀀中x😀y")
    assert [index.column(0, units) for units in range(8)] == [1, 1, 2, 3, 4, 4, 5, 6]
    assert index.column(5, 0) == 1  # a line past the end is empty


def test_ranged_change_counts_utf16_units():
    text = "𠀀中 达90%以上\n第二行\n"
    change = type("Change", (), {})()
    change.range = type(
        "R",
        (),
        {"start": type("P", (), {"line": 0, "character": 4})(), "end": type("P", (), {"line": 0, "character": 11})()},
    )()
    change.text = "≥90%"
    assert apply_change(text, change) == "𠀀中 ≥90%\n第二行\n"


# ==================================================================== incremental re-check
def assert_same(cache: TableCache, linter: Linter, text: str) -> None:
    document, findings = cache.check(text, "doc.md")
    full_document, full_findings = linter.check_text(text, "doc.md")
    assert findings == full_findings
    assert [repr(p) for p in document.projects] == [repr(p) for p in full_document.projects]
    assert document.directives == full_document.directives
    assert document.metadata == full_document.metadata
    assert document.project_count == full_document.project_count
    assert document.line_count == full_document.line_count


@pytest.fixture(scope="module")
def zh_linter() -> Linter:
    return Linter(Config(), "zh")


def test_seed_incremental_equals_full_check(zh_linter):
    seed = SEED.read_text(encoding="utf-8")
    cache = TableCache(zh_linter)
    assert_same(cache, zh_linter, seed)
    assert cache.read == 20 and cache.reused == 0  # the heading, then 19 tables
    assert_same(cache, zh_linter, seed)
    assert cache.read == 0 and cache.reused == 20


def test_seed_edit_in_one_cell_reads_one_table(zh_linter):
    seed = SEED.read_text(encoding="utf-8")
    cache = TableCache(zh_linter)
    cache.check(seed)
    edited = seed.replace("达 90%以上", "≥90%", 1)
    assert edited != seed
    assert_same(cache, zh_linter, edited)
    assert (cache.read, cache.moved) == (1, 0)


def test_seed_lines_added_and_removed_move_the_tables_below(zh_linter):
    seed = SEED.read_text(encoding="utf-8")
    lines = seed.split("\n")
    cache = TableCache(zh_linter)
    cache.check(seed)
    added = "\n".join(lines[:100] + ["", "随手写的一行说明"] + lines[100:])
    assert_same(cache, zh_linter, added)
    # the table edited is read; most below are moved, not read (a number that could be a line forces a read)
    assert cache.read >= 1 and cache.moved >= 12 and cache.read + cache.moved + cache.reused == 20
    removed = "\n".join(lines[:30] + lines[31:])
    assert_same(cache, zh_linter, removed)
    assert_same(cache, zh_linter, seed)


SMALL = table("""
    # 2024年部门项目支出绩效目标表
    单位：万元
    <!-- budgetlint: disable=BL801 -->

    | 项目名称 | 甲项目 |
    | 项目总额 | 10 | 年度资金总额 | 10 |
    | 一级指标 | 二级指标 | 三级指标 | 绩效值 |
    | 1-产出指标 | 11-数量指标 | 举办培训 | 达 2 期以上 |
    | 2-效益指标 | 22-社会效益 | 公众科学素质 | 明显提升 |

    单位：元
    <!-- budgetlint: disable-table=BL802 -->
    | 项目名称 | 乙项目 |
    | 项目总额 | 10 | 年度资金总额 |
    | 1-产出指标 | 11-数量指标 | 举办培训 | >=3 期 |
    | 2-效益指标 | 22-社会效益 | 公众满意 | 明显提升 |
    | 3-满意度指标 | 31-服务对象满意度 | 满意度 | 达90%以上 |

    2025年部门项目支出绩效目标表
    | 项目名称 | 丙项目 |
    | 项目总额 | 20 |
    | 1-产出指标 | 11-数量指标 | 举办培训 | >=3 期 |
    <!-- budgetlint: disable=BL802 -->
    | 2-效益指标 | 22-社会效益 | 公众满意 | 达 95%以上 |
""").split("\n")

EDIT_LINES = [
    "",
    "| 项目名称 | 新项目 |",
    "<!-- budgetlint: disable=BL802 -->",
    "<!-- budgetlint: disable-table -->",
    "<!-- budgetlint: disable-file=BL003 -->",
    "<!-- budgetlint: bogus -->",
    "<!-- 注释 -->",
    "单位：元",
    "年度：2023",
    "(2026年度)",
    "| 1-产出指标 | 11-数量指标 | 培训 | 达 5 期以上 |",
    "| | 13-时效指标 | 完成时间 | 2024年底 |",
    "| 年度总体绩效目标 | 举办培训 2 期 |",
    "说明文字",
    "| 项目总额 | 5 |",
    "| 其他资 |",
    "金 | 0 |",
    "项目名称\t\t丁项目\t",
    "| 3-满意度指标 | 31-服务对象满意度 | 满意度 | 明显提升 |",
]

edits = st.lists(
    st.tuples(
        st.sampled_from(["insert", "delete", "replace"]),
        st.one_of(st.just(0), st.integers(0, 40)),
        st.sampled_from(EDIT_LINES),
    ),
    min_size=1,
    max_size=6,
)


# The same tables without the heading: the first table starts at line 1, with a file-wide directive in it.
TABLES_FIRST = SMALL[4:6] + ["<!-- budgetlint: disable-file=BL003 -->"] + SMALL[6:]


@settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
@given(start=st.sampled_from([SMALL, TABLES_FIRST]), steps=edits)
def test_random_edits_incremental_equals_full_check(zh_linter, start, steps):
    cache = TableCache(zh_linter)
    lines = list(start)
    assert_same(cache, zh_linter, "\n".join(lines))
    for action, where, text in steps:
        where = min(where, len(lines))
        if action == "insert":
            lines.insert(where, text)
        elif lines and action == "delete":
            del lines[min(where, len(lines) - 1)]
        elif lines:
            lines[min(where, len(lines) - 1)] = text
        assert_same(cache, zh_linter, "\n".join(lines))


def test_rule_examples_incremental_equals_full_check(zh_linter):
    """Every rule's examples, stacked in one document and shifted by a line: the rules being written meet the cache here."""
    examples = [example.text.strip("\n") for rule in load_catalogue() for example in rule.examples]
    document = "\n\n".join(examples) + "\n"
    cache = TableCache(zh_linter)
    assert_same(cache, zh_linter, document)
    assert_same(cache, zh_linter, "\n" + document)
    assert_same(cache, zh_linter, "说明\n\n" + document.replace("\n\n", "\n\n\n", 3))


def test_projects_moved_keep_project_signatures(zh_linter):
    seed = SEED.read_text(encoding="utf-8")
    cache = TableCache(zh_linter)
    cache.check(seed)
    document, _ = cache.check("\n\n" + seed)
    full, _ = zh_linter.check_text("\n\n" + seed)
    assert [project_signature(p) for p in document.projects] == [project_signature(p) for p in full.projects]
    assert [p.span.line for p in document.projects] == [p.span.line for p in full.projects]


TEST_PACK = """
[[rule]]
code = "BL898"
name = "test-row-number"
kind = "test-row-number"
severity = "info"
summary = "a project-scope check whose message names a line in an argument not called *line"
messages.default = "table at row {row}"

[[rule]]
code = "BL899"
name = "test-whole-document"
kind = "test-whole-document"
severity = "info"
summary = "a document-scope check that reads every project"
messages.default = "table {index} of {count}, its last row at {last_line}"
"""


@pytest.fixture(scope="module")
def pack_linter(tmp_path_factory) -> Linter:
    from budgetlint.checks import check_kind
    from budgetlint.findings import Finding

    @check_kind("test-row-number")
    def row_number(project, params, ctx):
        yield Finding("", project.span, args={"row": project.span.line})

    @check_kind("test-whole-document", scope="document")
    def whole_document(document, params, ctx):
        for index, project in enumerate(document.projects, start=1):
            yield Finding(
                "", project.span, args={"index": index, "count": len(document.projects), "last_line": project.end_line}
            )

    pack = tmp_path_factory.mktemp("pack") / "pack.toml"
    pack.write_text(TEST_PACK, encoding="utf-8")
    return Linter(Config(packs=(pack,)), "en")


def test_moved_tables_with_line_numbers_in_messages_and_a_document_scope_check(pack_linter):
    seed = SEED.read_text(encoding="utf-8")
    cache = TableCache(pack_linter)
    cache.check(seed, keep_projects=False)
    for text in ("\n\n" + seed, "说明\n" + seed, seed):
        document, findings = cache.check(text, "doc.md", keep_projects=False)
        _, full = pack_linter.check_text(text, "doc.md")
        assert findings == full
        assert document.projects  # the document-scope check needed them, so they were moved along
        assert {"BL898", "BL899"} <= {f.code for f in findings}
    assert cache.read == 20  # "row" may be a line number: those tables were read again, not moved


def test_a_cut_the_reader_disagrees_with_falls_back_to_a_full_check(zh_linter):
    seed = SEED.read_text(encoding="utf-8")
    cache = TableCache(zh_linter)
    real = cache._is_table_start
    cache._is_table_start = lambda line: real(line) or line.startswith("1-产出")  # a wrong guess
    assert_same(cache, zh_linter, seed)
    assert cache.read == 1 and not cache._chunks


@pytest.mark.parametrize(
    "text",
    [
        "",
        "\n",
        "项目名称",
        "| 项目名称 |",
        "\ufeff| 项目名称 | 甲 |\n| 项目总额 | 1 |",
        "a\x00b\n| 项目名称 | 甲 |",
        "| 项目名称 | 甲 |\n" * 3,
        "<!-- budgetlint: disable-table=BL003 -->\n# 标题\n| 项目名称 | 甲 |\n| 项目名称 | 乙 |",
        "| 项目名称 | 甲 |\n<!-- budgetlint: disable=BL003 -->",
        "x" * 5000 + "\t项目名称",
    ],
)
def test_odd_documents_incremental_equals_full_check(zh_linter, text):
    cache = TableCache(zh_linter)
    assert_same(cache, zh_linter, text)
    assert_same(cache, zh_linter, "\n" + text)


# ==================================================================== hover text, links, fix sets
def test_hover_markdown_has_message_and_explain_text(zh_linter):
    _, findings = zh_linter.check_text(BAD, "t.md")
    text = hover_markdown(findings, zh_linter.catalogue, "en")
    assert "**BL802**" in text and "non-standard-comparator" in text
    assert "Bad example (reported at line 3)" in text and "safe fix" in text


def test_rule_href_is_the_rule_page_under_docs_url_and_none_without():
    rule = load_catalogue().get("BL802")
    assert rule_href(rule, None) is None  # never a file of the installation, never an invented host
    assert rule_href(rule, "https://example.org/budgetlint/rules/") == "https://example.org/budgetlint/rules/BL802.md"


def test_fix_all_is_one_round_of_check_fix_safe_fixes_only(zh_linter):
    from budgetlint.record import replace

    seed = SEED.read_text(encoding="utf-8")
    _, findings = zh_linter.check_text(seed, "seed")
    fixed = [f for f in findings if f.code == "BL802"]  # safe comparator rewrites, one cell each
    count = len(fixed)
    assert count >= 5 and all(f.fix.safe for f in fixed)
    assert len(fix_all_edits(seed, fixed)) == count
    doubled = fixed + [replace(fixed[0], code="BL899")]
    assert len(fix_all_edits(seed, doubled)) == count  # the same cell twice: the second waits
    edit = fixed[0].fix.edits[0]
    before = edit._replace(span=edit.span._replace(column=edit.span.column - 2, end_column=edit.span.column))
    touching = replace(fixed[0], fix=fixed[0].fix._replace(edits=(before,)))
    assert len(fix_all_edits(seed, fixed + [touching])) == count + 1  # ends where another starts: no overlap
    unsafe = [replace(f, fix=f.fix._replace(safe=False)) for f in fixed]
    assert fix_all_edits(seed, unsafe) == []


def test_cli_start_up_does_not_import_pygls():
    code = (
        "import sys, click, budgetlint.cli as c; ctx = click.Context(c.main); "
        "print('lsp' in c.main.list_commands(ctx), 'budgetlint.lsp' in sys.modules, 'pygls' in sys.modules, "
        "c.main.get_command(ctx, 'lsp').name, 'pygls' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=TIMEOUT, check=True)
    # listed but not imported at start-up; imported on use, and even then pygls only when the server starts
    assert out.stdout.split() == ["True", "False", "False", "lsp", "False"]


# ==================================================================== the server, over JSON-RPC
@pytest.fixture
def server():
    client = LspProcess()
    yield client
    client.kill()


@pytest.mark.slow  # a server process
def test_lsp_session_diagnostics_hover_code_action_fix_and_exit(tmp_path, server):
    result = server.initialize(tmp_path, {"lang": "en"})
    capabilities = result["capabilities"]
    assert capabilities["hoverProvider"] and capabilities["codeActionProvider"]
    assert result["serverInfo"]["name"] == "budgetlint"
    uri = (tmp_path / "table.md").as_uri()

    (tmp_path / "budgetlint.toml").write_text('docs-url = "https://example.org/rules/"\n', encoding="utf-8")
    server.open(uri, BAD)
    published = server.diagnostics(uri)
    assert published["version"] == 1
    [diagnostic] = published["diagnostics"]
    assert diagnostic["code"] == "BL802"
    assert diagnostic["source"] == "budgetlint"
    assert diagnostic["severity"] == 3  # info → Information
    assert diagnostic["range"] == {"start": BAD_START, "end": BAD_END}
    assert "expected '≥90%'" in diagnostic["message"]
    assert diagnostic["codeDescription"]["href"] == "https://example.org/rules/BL802.md"

    hover = server.request(
        "textDocument/hover", {"textDocument": {"uri": uri}, "position": {"line": BAD_LINE0, "character": 39}}
    )
    assert hover["contents"]["kind"] == "markdown"
    assert "**BL802**" in hover["contents"]["value"]
    assert "Bad example (reported at line 3)" in hover["contents"]["value"]  # the explain text
    assert hover["range"] == {"start": BAD_START, "end": BAD_END}
    assert (
        server.request("textDocument/hover", {"textDocument": {"uri": uri}, "position": {"line": 3, "character": 2}})
        is None
    )

    actions = server.request(
        "textDocument/codeAction",
        {
            "textDocument": {"uri": uri},
            "range": {"start": {"line": BAD_LINE0, "character": 38}, "end": {"line": BAD_LINE0, "character": 38}},
            "context": {"diagnostics": [diagnostic]},
        },
    )
    [quick_fix] = [a for a in actions if a["kind"] == "quickfix"]
    assert quick_fix["isPreferred"] is True
    assert "≥90%" in quick_fix["title"] and "unsafe" not in quick_fix["title"]
    assert quick_fix["edit"]["changes"][uri] == [{"range": {"start": BAD_START, "end": BAD_END}, "newText": "≥90%"}]
    assert quick_fix["diagnostics"][0]["code"] == "BL802"
    elsewhere = server.request(
        "textDocument/codeAction",
        {
            "textDocument": {"uri": uri},
            "range": {"start": {"line": 3, "character": 0}, "end": {"line": 3, "character": 5}},
            "context": {"diagnostics": [], "only": ["quickfix"]},
        },
    )
    assert elsewhere == []

    server.change(uri, GOOD, 2)
    published = server.diagnostics(uri)
    assert published == {"uri": uri, "version": 2, "diagnostics": []}

    server.notify("textDocument/didSave", {"textDocument": {"uri": uri}})
    assert server.diagnostics(uri)["diagnostics"] == []
    assert server.close() == 0


@pytest.mark.slow  # a server process
def test_lsp_follows_the_config_of_the_file_and_reports_a_bad_one(tmp_path, server):
    strict = tmp_path / "strict"
    strict.mkdir()
    (strict / "budgetlint.toml").write_text('severity = { BL802 = "error" }\n', encoding="utf-8")
    quiet = tmp_path / "quiet"
    quiet.mkdir()
    (quiet / "pyproject.toml").write_text('[tool.budgetlint]\nignore = ["BL8"]\n', encoding="utf-8")
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "budgetlint.toml").write_text('severity = { BL802 = "fatal" }\n', encoding="utf-8")
    server.initialize(tmp_path, {"lang": "en"})

    strict_uri = (strict / "a.md").as_uri()
    server.open(strict_uri, BAD)
    [diagnostic] = server.diagnostics(strict_uri)["diagnostics"]
    assert (diagnostic["code"], diagnostic["severity"]) == ("BL802", 1)

    quiet_uri = (quiet / "a.md").as_uri()
    server.open(quiet_uri, BAD)
    assert server.diagnostics(quiet_uri)["diagnostics"] == []

    broken_uri = (broken / "a.md").as_uri()
    server.open(broken_uri, BAD)
    [diagnostic] = server.diagnostics(broken_uri)["diagnostics"]
    assert diagnostic["range"]["start"] == {"line": 0, "character": 0}
    assert diagnostic["severity"] == 1
    assert "budgetlint.toml" in diagnostic["message"] and "'fatal'" in diagnostic["message"]
    assert "\n" not in diagnostic["message"]

    # the config repaired on disk: the next save reads it again.  The server compares each config file's
    # size and mtime: the size changes, and the mtime is moved on by hand (no waiting for the clock to tick).
    config = broken / "budgetlint.toml"
    before = config.stat().st_mtime_ns
    config.write_text('severity = { BL802 = "warning" }\n', encoding="utf-8")
    os.utime(config, ns=(before + 10**9, before + 10**9))
    server.notify("textDocument/didSave", {"textDocument": {"uri": broken_uri}})
    [diagnostic] = server.diagnostics(broken_uri)["diagnostics"]
    assert (diagnostic["code"], diagnostic["severity"]) == ("BL802", 2)

    untitled = "untitled:Untitled-1"
    server.open(untitled, BAD)
    [diagnostic] = server.diagnostics(untitled)["diagnostics"]
    assert diagnostic["code"] == "BL802"
    assert server.close() == 0


@pytest.mark.slow  # a server process
def test_lsp_document_without_a_table_gets_no_diagnostics(tmp_path, server):
    server.initialize(tmp_path)
    uri = (tmp_path / "README.md").as_uri()
    server.open(uri, "# Notes\n\n| a | b |\n| 1 | 2 |\n")
    assert server.diagnostics(uri)["diagnostics"] == []
    assert server.close() == 0


@pytest.mark.slow  # a server process
def test_lsp_utf8_positions_when_the_client_asks_and_crlf_line_ends(tmp_path, server):
    result = server.request(
        "initialize",
        {
            "processId": None,
            "rootUri": tmp_path.as_uri(),
            "capabilities": {
                "general": {"positionEncodings": ["utf-8", "utf-16"]},
                "textDocument": {"hover": {"contentFormat": ["plaintext"]}},
            },
        },
    )
    server.notify("initialized")
    assert result["capabilities"]["positionEncoding"] == "utf-8"
    uri = (tmp_path / "crlf.md").as_uri()
    server.open(uri, BAD.replace("\n", "\r\n"))
    [diagnostic] = server.diagnostics(uri)["diagnostics"]
    prefix = SATISFACTION_ROW.format(value="达90%以上")[:36]
    start = len(prefix.encode("utf-8"))
    assert diagnostic["range"] == {
        "start": {"line": BAD_LINE0, "character": start},
        "end": {"line": BAD_LINE0, "character": start + len("达90%以上".encode())},
    }
    hover = server.request(
        "textDocument/hover", {"textDocument": {"uri": uri}, "position": {"line": BAD_LINE0, "character": start + 3}}
    )
    assert hover["contents"]["kind"] == "plaintext" and "BL802" in hover["contents"]["value"]
    assert server.close() == 0


# The server with faults injected (a check and a hover that raise) and fixes made unsafe on request.
PATCHED = """
import sys
from budgetlint.record import replace

import budgetlint.lsp as lsp

real_check = lsp.TableCache.check

def check(self, text, *args, **kwargs):
    if "BOOM" in text:
        raise RuntimeError("injected fault")
    document, findings = real_check(self, text, *args, **kwargs)
    if "UNSAFE" in text:  # as a rule whose rewrite does not read the same would mark it
        findings = [replace(f, fix=f.fix._replace(safe=False)) if f.fix else f for f in findings]
    return document, findings

def hover_markdown(*args):
    raise ValueError("injected hover fault")

lsp.TableCache.check = check
lsp.hover_markdown = hover_markdown
from budgetlint.cli import main
sys.argv = ["budgetlint", "lsp"]
main()
"""


@pytest.mark.slow  # a server process
def test_lsp_logs_handler_exceptions_keeps_serving_and_offers_unsafe_fixes_unpreferred(tmp_path):
    server = LspProcess(command=[sys.executable, "-c", PATCHED])
    try:
        server.initialize(tmp_path, {"lang": "en"})
        broken = (tmp_path / "boom.md").as_uri()
        server.open(broken, BAD + "BOOM\n")
        log = server.wait_for(lambda m: m.get("method") == "window/logMessage")
        assert log["params"]["type"] == 1 and "injected fault" in log["params"]["message"]
        [diagnostic] = server.diagnostics(broken)["diagnostics"]
        assert diagnostic["range"]["start"] == {"line": 0, "character": 0}
        assert "could not check" in diagnostic["message"]

        fine = (tmp_path / "fine.md").as_uri()
        server.open(fine, BAD)
        [diagnostic] = server.diagnostics(fine)["diagnostics"]
        assert diagnostic["code"] == "BL802"
        hover = server.request(
            "textDocument/hover", {"textDocument": {"uri": fine}, "position": {"line": BAD_LINE0, "character": 39}}
        )
        assert hover is None
        log = server.wait_for(lambda m: m.get("method") == "window/logMessage")
        assert "injected hover fault" in log["params"]["message"]

        unsafe = (tmp_path / "unsafe.md").as_uri()
        server.open(unsafe, BAD + "UNSAFE\n")
        [diagnostic] = server.diagnostics(unsafe)["diagnostics"]
        actions = server.request(
            "textDocument/codeAction",
            {
                "textDocument": {"uri": unsafe},
                "range": {"start": BAD_START, "end": BAD_START},
                "context": {"diagnostics": [diagnostic]},
            },
        )
        [action] = actions  # no fix-all: it takes safe fixes only
        assert action["title"].startswith("(unsafe) BL802") and action["isPreferred"] is False
        assert action["edit"]["changes"][unsafe][0]["newText"] == "≥90%"
        assert server.close() == 0
        assert b"injected hover fault" in server.stderr  # logged with its traceback on stderr, never stdout
    finally:
        server.kill()


# ==================================================================== hostile and large input
def _message(payload: dict) -> bytes:
    body = json.dumps({"jsonrpc": "2.0", **payload}, ensure_ascii=False).encode("utf-8")
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


def _framed(data: bytes) -> list[bytes]:
    """Every line and body pygls reads from FramedInput over `data`, until the end."""
    import io

    from budgetlint.lsp import FramedInput

    framed = FramedInput(io.BufferedReader(io.BytesIO(data)))
    out = []
    while True:
        header = framed.readline()
        if not header:
            return out
        blank = framed.readline()
        out += [header, blank, framed.read(int(header.split(b":")[1]))]


def test_framed_input_hands_messages_on_with_one_header_spelling():
    first = _message({"id": 1, "method": "shutdown"})
    second = (
        b'content-length:2\r\nContent-Type: application/vscode-jsonrpc; charset=utf-8\r\n\r\n{"'  # bad JSON, framed
    )
    assert _framed(first + second) == [
        b"Content-Length: %d\r\n" % (len(first) - first.index(b"{")),
        b"\r\n",
        first[first.index(b"{") :],
        b"Content-Length: 2\r\n",
        b"\r\n",
        b'{"',
    ]


@pytest.mark.parametrize(
    "data, says",
    [
        (b'Content-Type: application/json\r\n\r\n{"jsonrpc": "2.0"}', "without a Content-Length"),
        (b'Content-Length: twelve\r\n\r\n{"jsonrpc": "2.0"}', "not a number"),
        (b"Content-Length: -3\r\n\r\n{}", "not a number"),
        (b"Content-Length: 0\r\n\r\n", "not between"),
        (b"Content-Length: 99999999999999\r\n\r\n{}", "not between"),
        (
            b"Content-Length: 10\r\n\r\n" + b'{"jsonrpc": "2.0", "method": "x"}' + _message({"method": "x"}),
            "not a message header",
        ),
        (
            b"Content-Length: 60\r\n\r\n"
            + b'{"jsonrpc": "2.0", "method": "x"}'
            + _message({"method": "x", "params": {"a": 1}}),
            "holds the header",
        ),
        (b"Content-Length: 50\r\n\r\n{}", "ended 2 bytes into"),
        (b"Content-Length: 5\r\n", "ended inside a message header"),
        (b"X" * 10000 + b"\r\n", "longer than"),
    ],
)
def test_framed_input_raises_on_broken_framing(data, says):
    from budgetlint.lsp import FramingError

    with pytest.raises(FramingError, match=says):
        _framed(data)


def _reference_apply(text: str, line: int, character: int, end_line: int, end_character: int, new: str) -> str:
    """A ranged change applied the slow, obvious way: every line's UTF-16 units counted from the start."""
    lines = text.split("\n")

    def offset(line0: int, units: int) -> int:
        line0 = min(max(line0, 0), len(lines) - 1)
        text = lines[line0]
        position = count = 0
        while position < len(text) and count < units:
            count += len(text[position].encode("utf-16-le")) // 2
            if count > units:
                break  # inside a surrogate pair: that character
            position += 1
        return sum(len(each) + 1 for each in lines[:line0]) + position

    start, end = offset(line, character), offset(end_line, end_character)
    return text[:start] + new + text[max(start, end) :]


def _change(line, character, end_line, end_character, text):
    from lsprotocol import types

    return types.TextDocumentContentChangePartial(
        range=types.Range(start=types.Position(line, character), end=types.Position(end_line, end_character)),
        text=text,
    )


@settings(max_examples=200, deadline=None)
@given(
    lines=st.lists(st.text(alphabet="ab中𠀀 |", max_size=6), min_size=1, max_size=6),
    where=st.tuples(*[st.integers(0, 8)] * 4),
    new=st.text(alphabet="x中\n𠀀", max_size=5),
)
def test_a_ranged_change_cuts_only_the_lines_it_touches_and_equals_the_whole_text_way(lines, where, new):
    text = "\n".join(lines)
    index = LineIndex(text)
    new_index = index.apply(_change(*where, new))
    changed = new_index.text
    assert changed == _reference_apply(text, *where, new)
    assert new_index.lines == changed.split("\n")
    assert new_index.lines[: where[0]] == index.lines[: where[0]] or where[0] >= len(lines)


def test_changed_lines_is_the_block_between_the_common_head_and_tail():
    from budgetlint.lsp import changed_lines

    old = [str(n) for n in range(10000)]
    assert changed_lines(old, list(old)) == (10000, 10000, 10000)
    new = old[:5000] + ["x", "y"] + old[5001:]
    assert changed_lines(old, new) == (5000, 5001, 5002)
    assert changed_lines(old, old[:9000]) == (9000, 10000, 9000)
    assert changed_lines(old, ["a"] + old) == (0, 0, 1)


def test_a_wire_diagnostic_moves_with_its_lines_and_falls_back_when_a_text_holds_its_mark():
    from budgetlint.lsp import _MARK, to_wire

    diagnostic = {
        "range": {"start": {"line": 4, "character": 1}, "end": {"line": 5, "character": 0}},
        "message": "第 5 行",
        "relatedInformation": [
            {
                "location": {
                    "uri": "u",
                    "range": {"start": {"line": 9, "character": 0}, "end": {"line": 9, "character": 2}},
                }
            }
        ],
    }
    wire = to_wire(diagnostic)
    assert json.loads(wire.json()) == diagnostic and wire.line == 4
    moved = json.loads(wire.moved(3).json())
    assert moved["range"]["start"]["line"] == 7 and moved["range"]["end"]["line"] == 8
    assert moved["relatedInformation"][0]["location"]["range"]["end"]["line"] == 12
    assert moved["message"] == "第 5 行"  # texts never change
    odd = {**diagnostic, "message": _MARK}
    assert json.loads(to_wire(odd).json()) == odd


def _repeated_seed(copies: int) -> str:
    return "\n".join([SEED.read_text(encoding="utf-8")] * copies)


def _edited_middle(text: str) -> tuple[str, int]:
    """`text` with one comparator changed in a table near its middle, and that line's index."""
    lines = text.split("\n")
    row = next(i for i in range(len(lines) // 2, len(lines)) if "≥" in lines[i])
    lines[row] = lines[row].replace("≥", "达", 1)
    return "\n".join(lines), row


def test_the_stretch_of_an_edit_is_its_table_and_finds_what_the_whole_check_finds_there(zh_linter):
    from budgetlint.lsp import changed_lines

    text = _repeated_seed(3)
    cache = TableCache(zh_linter)
    cache.check(text, "doc.md", keep_projects=False)
    edited, row = _edited_middle(text)
    old, new = text.split("\n"), edited.split("\n")
    first, old_stop, new_stop = changed_lines(old, new)
    assert (first, old_stop, new_stop) == (row, row + 1, row + 1)
    start, end, state = cache.edit_stretch(new, first, old_stop, new_stop - old_stop)
    assert start <= row < end
    assert sum(cache._is_table_start(line) for line in new[start:end]) == 1  # one table
    part = cache.check_stretch(new, start, end, state, "doc.md")
    _, whole = zh_linter.check_text(edited, "doc.md")
    assert part == [f for f in whole if start < f.span.line <= end]
    assert any(f.span.line == row + 1 for f in part)  # the edit is reported


def test_the_first_stretch_holds_the_tables_of_the_first_lines_only(zh_linter):
    from budgetlint.reader import ReaderState

    text = _repeated_seed(2)
    lines = text.split("\n")
    cache = TableCache(zh_linter)
    end = cache.first_stretch(lines, 80)
    assert 80 <= end < 200 and cache._is_table_start(next(line for line in lines[end:] if line.strip()))
    part = cache.check_stretch(lines, 0, end, ReaderState(), "doc.md")
    _, whole = zh_linter.check_text(text, "doc.md")
    assert part and part == [f for f in whole if f.span.line <= end]
    assert cache.first_stretch(lines[:60], 80) is None  # a short document is its own first stretch


def test_an_interrupted_check_keeps_the_tables_it_read(zh_linter):
    from budgetlint.lsp import Interrupted

    seed = SEED.read_text(encoding="utf-8")
    cache = TableCache(zh_linter)
    asked = []
    with pytest.raises(Interrupted):
        cache.check(seed, "doc.md", should_stop=lambda: asked.append(1) or len(asked) > 8)
    assert_same(cache, zh_linter, seed)
    assert (cache.read, cache.reused) == (12, 8)  # 20 pieces: the 8 read before it stopped are reused


def _exit_code(client: LspProcess) -> int:
    try:
        return client.process.wait(timeout=TIMEOUT)
    finally:
        client.kill()


INITIALIZE = {"id": 1, "method": "initialize", "params": {"processId": None, "rootUri": None, "capabilities": {}}}


@pytest.mark.slow  # a server process
@pytest.mark.parametrize(
    "raw",
    [
        pytest.param(
            b'Content-Type: application/json\r\n\r\n{"jsonrpc": "2.0", "id": 2, "method": "shutdown"}', id="missing"
        ),
        pytest.param(b'Content-Length: abc\r\n\r\n{"jsonrpc": "2.0", "id": 2, "method": "shutdown"}', id="non-numeric"),
        pytest.param(
            _message({"id": 2, "method": "shutdown"})[:-1].replace(b"Length: ", b"Length: 1") + b"}", id="too-long"
        ),
        pytest.param(
            _message({"id": 2, "method": "shutdown"}).replace(b"Length: ", b"Length: 0", 1)[:0]
            + b"Content-Length: 20\r\n\r\n"
            + _message({"id": 2, "method": "shutdown"})[25:],
            id="too-short",
        ),
    ],
)
def test_a_framing_error_is_logged_and_the_server_exits_non_zero(raw):
    client = LspProcess()
    client.process.stdin.write(_message(INITIALIZE))
    client.process.stdin.flush()
    assert client.wait_for(lambda m: m.get("id") == 1)["result"]["capabilities"]
    client.process.stdin.write(raw + _message({"id": 3, "method": "shutdown"}))
    client.process.stdin.flush()
    assert _exit_code(client) == 1
    assert b"the input is not LSP messages any more" in client.stderr


@pytest.mark.slow  # a server process
def test_hostile_messages_are_answered_or_logged_and_the_server_serves_on(tmp_path, server):
    server.initialize(tmp_path, {"lang": "en"})
    uri = (tmp_path / "t.md").as_uri()
    server.open(uri, BAD)
    assert server.diagnostics(uri)["diagnostics"]
    stdin = server.process.stdin
    stdin.write(b"Content-Length: 9\r\n\r\n{not json")  # malformed JSON, well framed
    stdin.write(b"Content-Length: 4\r\n\r\n\xff\xfe\xfd\xfc")  # not UTF-8
    stdin.flush()
    where = {"textDocument": {"uri": uri}}
    for position, code in [
        ({"line": -1, "character": 0}, -32602),  # negative: InvalidParams
        ({"line": 0, "character": -5}, -32602),
        ({"line": "x", "character": 0}, -32602),  # a wrong type
    ]:
        server.next_id += 1
        server.send({"id": server.next_id, "method": "textDocument/hover", "params": {**where, "position": position}})
        answer = server.wait_for(lambda m, ident=server.next_id: m.get("id") == ident)
        assert answer["error"]["code"] == code and "position" in answer["error"]["message"]
    server.next_id += 1
    negative = {"start": {"line": 0, "character": 0}, "end": {"line": -2, "character": 0}}
    server.send(
        {
            "id": server.next_id,
            "method": "textDocument/codeAction",
            "params": {**where, "range": negative, "context": {"diagnostics": []}},
        }
    )
    assert server.wait_for(lambda m: m.get("id") == server.next_id)["error"]["code"] == -32602
    server.next_id += 1
    server.send({"id": server.next_id, "method": "budgetlint/nothing", "params": {}})
    assert server.wait_for(lambda m: m.get("id") == server.next_id)["error"]["code"] == -32601
    # out of range: clamped, answered
    assert server.request("textDocument/hover", {**where, "position": {"line": 10**6, "character": 10**6}}) is None
    hover = server.request("textDocument/hover", {**where, "position": {"line": BAD_LINE0, "character": 39}})
    assert "BL802" in hover["contents"]["value"]
    assert server.close() == 0


def _ranged(server: LspProcess, uri: str, version: int, start: dict, end: dict, text: str) -> None:
    server.notify(
        "textDocument/didChange",
        {
            "textDocument": {"uri": uri, "version": version},
            "contentChanges": [{"range": {"start": start, "end": end}, "text": text}],
        },
    )


@pytest.mark.slow  # a server process
def test_ranged_changes_are_applied_and_an_invalid_one_stops_diagnostics_until_the_whole_text_comes(tmp_path, server):
    result = server.initialize(tmp_path, {"lang": "en"})
    uri = (tmp_path / "t.md").as_uri()
    server.open(uri, BAD)
    assert [d["code"] for d in server.diagnostics(uri)["diagnostics"]] == ["BL802"]
    _ranged(server, uri, 2, BAD_START, BAD_END, "≥90%")  # the quick fix, typed
    assert server.diagnostics(uri) == {"uri": uri, "version": 2, "diagnostics": []}
    _ranged(server, uri, 3, BAD_START, {"line": BAD_LINE0, "character": BAD_START["character"] + 4}, "达90%以上")
    assert [d["code"] for d in server.diagnostics(uri)["diagnostics"]] == ["BL802"]

    _ranged(server, uri, 4, {"line": -1, "character": 0}, {"line": 0, "character": 3}, "x")
    log = server.wait_for(lambda m: m.get("method") == "window/logMessage")
    assert log["params"]["type"] == 1 and "cannot be applied" in log["params"]["message"]
    lost = server.diagnostics(uri)
    assert lost["version"] == 4 and [d["message"] for d in lost["diagnostics"]] == [
        "budgetlint lost track of this document's text (the editor sent a change at an invalid position); "
        "close and reopen it to check it again"
    ]
    hover = {"textDocument": {"uri": uri}, "position": {"line": BAD_LINE0, "character": 39}}
    assert server.request("textDocument/hover", hover) is None  # no answer from a text that may be wrong
    _ranged(server, uri, 5, BAD_START, BAD_END, "≥90%")  # a range in a text we lost: not applied, not checked
    server.change(uri, BAD, 6)  # the whole text: in step again
    published = server.diagnostics(uri)
    assert published["version"] == 6 and [d["code"] for d in published["diagnostics"]] == ["BL802"]
    assert "BL802" in server.request("textDocument/hover", hover)["contents"]["value"]
    assert result["capabilities"]["textDocumentSync"]["change"] == 2  # incremental: a keystroke sends a keystroke
    assert server.close() == 0


def _published(stderr: bytes, uri: str) -> list[tuple[str, int]]:
    """(part | whole, version) of each publishDiagnostics the server logged for `uri`, in order."""
    import re

    found = re.findall(rb"published (part|whole) " + re.escape(uri.encode()) + rb" version (\d+)", stderr)
    return [(kind.decode(), int(version)) for kind, version in found]


@pytest.mark.slow  # a server process
def test_rapid_changes_are_checked_once_and_only_the_newest_version_is_published(tmp_path):
    server = LspProcess("--log-level", "info", "--debounce-ms", "800")
    try:
        server.initialize(tmp_path)
        uri = (tmp_path / "t.md").as_uri()
        server.open(uri, BAD)
        assert server.diagnostics(uri)["version"] == 1
        for version in range(2, 12):  # ten changes, each a whole text, sent at once
            server.change(uri, GOOD if version % 2 else BAD, version)
        published = server.diagnostics(uri)
        assert published["version"] == 11 and published["diagnostics"] == []
        assert server.close() == 0
    finally:
        server.kill()
    assert _published(server.stderr, uri) == [("whole", 1), ("whole", 11)]


def _small_then_big(server: LspProcess, tmp_path: Path, lang: str, big: str) -> tuple[str, str]:
    """Initialise `server`, open a small document (BAD) and wait for its diagnostics, then open `big`
    without waiting: the two documents' URIs."""
    server.initialize(tmp_path, {"lang": lang})
    small = (tmp_path / "small.md").as_uri()
    server.open(small, BAD)
    assert server.diagnostics(small)["diagnostics"]
    uri = (tmp_path / "big.md").as_uri()
    server.open(uri, big)
    return small, uri


@pytest.mark.slow  # a server process, a document of 1.2 MB
def test_a_large_document_publishes_the_tables_in_view_first_and_an_edit_its_table_first(tmp_path):
    big = _repeated_seed(30)
    server = LspProcess("--log-level", "debug", "--debounce-ms", "0")
    try:
        small, uri = _small_then_big(server, tmp_path, "zh", big)
        first = server.diagnostics(uri, timeout=120)
        # a hover on another document is answered while the large one is checked
        hover = {"textDocument": {"uri": small}, "position": {"line": BAD_LINE0, "character": 39}}
        assert "BL802" in server.request("textDocument/hover", hover)["contents"]["value"]
        answered = len(server.backlog)
        whole = server.diagnostics(uri, timeout=120)
        assert answered == 0  # the whole document's diagnostics came after the hover's answer
        _, findings = Linter(Config(), "zh").check_text(big, "big.md")
        lines = {d["range"]["start"]["line"] for d in first["diagnostics"]}
        assert first["version"] == whole["version"] == 1
        assert first["diagnostics"] and max(lines) < 200  # the tables of the first lines only
        assert len(whole["diagnostics"]) == len(findings)

        edited, row = _edited_middle(big)
        character = len(big.split("\n")[row].split("≥")[0].encode("utf-16-le")) // 2
        _ranged(server, uri, 2, {"line": row, "character": character}, {"line": row, "character": character + 1}, "达")
        part = server.diagnostics(uri, timeout=120)
        _ranged(server, uri, 3, {"line": 0, "character": 0}, {"line": 0, "character": 0}, "\n")  # supersedes 2
        after = []
        while [p["version"] for p in after].count(3) < 2:  # version 3's part and whole, after any of version 2
            after.append(server.diagnostics(uri, timeout=120))
        assert server.close() == 0
    finally:
        server.kill()
    key = lambda d: (d["range"]["start"]["line"], d["range"]["start"]["character"], d["code"], d["message"])  # noqa: E731
    assert part["version"] == 2 and len(part["diagnostics"]) == len(findings) + 1
    _, edited_findings = Linter(Config(), "zh").check_text(edited, "big.md")
    assert sorted(map(key, part["diagnostics"])) == sorted(  # the changed table's, the others moved: all right
        (f.span.line - 1, key_of_column(edited, f), f.code, f.message) for f in edited_findings
    )
    log = _published(server.stderr, uri)
    assert log[:3] == [("part", 1), ("whole", 1), ("part", 2)] and log[-2:] == [("part", 3), ("whole", 3)]
    assert [p["version"] for p in after] == [version for _, version in log[3:]]
    # version 2's whole check was stopped, running or waiting, by version 3 (or, on a stalled machine, was
    # done before it came): never a version 2 published after version 3
    superseded = b"stopped" in server.stderr or b"superseded" in server.stderr
    assert log[3:] == [("part", 3), ("whole", 3)] and superseded or log[3] == ("whole", 2)


def key_of_column(text: str, finding) -> int:
    line = text.split("\n")[finding.span.line - 1]
    return len(line[: finding.span.column - 1].encode("utf-16-le")) // 2


def test_checks_stopped_again_and_again_keep_a_bounded_cache(zh_linter):
    from budgetlint.lsp import Interrupted

    seed = SEED.read_text(encoding="utf-8")
    assert "≥5 项" in seed
    cache = TableCache(zh_linter)
    cache.check(seed, "doc.md", keep_projects=False)
    for number in range(300):  # typing in the first table, each check stopped by the next keystroke
        asked = []
        with pytest.raises(Interrupted):
            cache.check(
                seed.replace("≥5 项", f"≥{number} 项", 1),
                "doc.md",
                keep_projects=False,
                should_stop=lambda asked=asked: asked.append(1) or len(asked) > 5,
            )
        assert len(cache._chunks) <= 2 * 20 + 64  # 20 pieces
    assert_same(cache, zh_linter, seed)


@pytest.mark.slow  # a server process, a document of 1.2 MB checked
def test_quick_changes_to_a_large_document_keep_no_hover_waiting_and_publish_the_newest_only(tmp_path):
    """Issue 22 item 6 as found, with the options of any version (none): ten whole-text changes sent at once
    to a large document, then a hover on another one.  The hover is answered before the large document's
    newest diagnostics, and no version but the newest is published after the changes (each used to be
    checked in turn, the hover answered after all ten)."""
    big = _repeated_seed(30)
    server = LspProcess()
    try:
        small, uri = _small_then_big(server, tmp_path, "en", big)
        for version in range(2, 12):
            server.change(uri, big.replace("达", "达" * (version % 2 + 1), 1), version)
        server.next_id += 1
        hover = {"textDocument": {"uri": small}, "position": {"line": BAD_LINE0, "character": 39}}
        server.send({"id": server.next_id, "method": "textDocument/hover", "params": hover})
        before: list[int] = []  # the versions of the large document published before the hover's answer
        while True:
            message = server.wait_for(
                lambda m: (
                    m.get("id") == server.next_id
                    or (m.get("method") == "textDocument/publishDiagnostics" and m["params"]["uri"] == uri)
                ),
                timeout=120,
            )
            if message.get("id") == server.next_id:
                break
            before.append(message["params"]["version"])
        assert "BL802" in message["result"]["contents"]["value"]
        assert 11 not in before, before
        after = [server.diagnostics(uri, timeout=120)["version"]]
        while after[-1] != 11:
            after.append(server.diagnostics(uri, timeout=120)["version"])
        assert server.close() == 0
    finally:
        server.kill()
    assert not [version for version in before + after if 1 < version < 11], (before, after)
