"""Which HTML parser the HTML container uses: the standard library's html.parser, lxml or selectolax.

    python benchmarks/html_parsers.py [TABLES]

Reads examples/formats/hunan-2025.html (2 project tables) and a page of TABLES tables (default 1,000:
its tables repeated) with each parser, taking what the container needs: every cell's text, its
rowspan and colspan, and the position of its start tag.  Prints the best of 5 runs for each, and
what position each parser gives.  lxml and selectolax are measured only where installed (they are
not dependencies of budgetlint).
"""

from __future__ import annotations

import sys
import time
from html.parser import HTMLParser
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from budgetlint.containers import html as container  # noqa: E402

PAGE = ROOT / "examples" / "formats" / "hunan-2025.html"


def page_of(tables: int) -> str:
    """The example page without its layout table (whose one cell holds the whole page: a parser asked for
    each cell's text would give it whole), its project tables repeated to make `tables` tables."""
    text = PAGE.read_text(encoding="utf-8")
    start, end = text.index("<h2>"), text.index("</td></tr>\n</table>\n</body>")
    head = text[: text.index('<table class="layout"')]
    return head + text[start:end] * max(tables // 2, 1) + "</body>\n</html>\n"


class _Cells(HTMLParser):
    """html.parser alone: each cell's start tag position and attributes, its text (no grid built)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.cells: list[list] = []
        self.open = False

    def handle_starttag(self, tag, attrs):
        if tag in ("td", "th"):
            self.cells.append([self.getpos(), dict(attrs), []])
            self.open = True

    def handle_endtag(self, tag):
        if tag in ("td", "th"):
            self.open = False

    def handle_data(self, data):
        if self.open:
            self.cells[-1][2].append(data)


def stdlib_raw(text: str) -> int:
    parser = _Cells()
    parser.feed(text)
    parser.close()
    return len(parser.cells)


def stdlib_container(text: str) -> int:
    return sum(len(row.cells) for block in container.blocks(text) if hasattr(block, "rows") for row in block.rows)


def lxml_cells(text: str) -> int:
    import lxml.html

    root = lxml.html.document_fromstring(text)
    cells = [
        (cell.sourceline, cell.get("rowspan"), cell.get("colspan"), cell.text_content())
        for cell in root.iter("td", "th")
    ]
    return len(cells)


def selectolax_cells(text: str) -> int:
    from selectolax.lexbor import LexborHTMLParser

    tree = LexborHTMLParser(text)
    cells = [
        (cell.attributes.get("rowspan"), cell.attributes.get("colspan"), cell.text()) for cell in tree.css("td, th")
    ]
    return len(cells)


def best(function, text: str, runs: int = 5) -> tuple[float, int]:
    times, count = [], 0
    for _ in range(runs):
        start = time.perf_counter()
        count = function(text)
        times.append(time.perf_counter() - start)
    return min(times), count


def main() -> None:
    tables = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    pages = {"2 tables": page_of(2), f"{tables} tables": page_of(tables)}
    parsers = [
        ("html.parser, cells only", stdlib_raw, "line and column of each start tag (getpos)"),
        ("html.parser, the container (grids, spans)", stdlib_container, "line and column of each start tag"),
        ("lxml.html, cells only", lxml_cells, "a line per element (sourceline), no column"),
        ("selectolax (lexbor), cells only", selectolax_cells, "none"),
    ]
    for name, text in pages.items():
        print(f"{name}: {len(text.encode('utf-8')) / 1024:.0f} KB")
        for label, function, position in parsers:
            try:
                seconds, cells = best(function, text)
            except ImportError:
                print(f"  {label:45} not installed")
                continue
            print(f"  {label:45} {seconds * 1000:9.2f} ms  {cells:7} cells  position: {position}")


if __name__ == "__main__":
    main()
