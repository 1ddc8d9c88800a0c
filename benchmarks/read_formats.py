"""Read time per format: the same document as pipe text, HTML page, CSV, workbooks and Word, from file to model.

    python benchmarks/read_formats.py [TABLES]

The example of examples/formats/ (2 tables) and a document of TABLES tables (default 1,000: its
projects repeated), each written as tests/formats.py writes the example.  For each: the best of 5
reads of the file into the model (decoding, the container's blocks, the reader), in this process.
The PDF is written for the example and for a document of about 100 pages (PDF_TABLES tables): a
PDF of 1,000 tables (some 650 pages) would take minutes to write and to read.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

import formats  # noqa: E402  (tests/formats.py)

from budgetlint.config import Config  # noqa: E402
from budgetlint.engine import Linter  # noqa: E402
from budgetlint.io import blocks_of, read_source  # noqa: E402


def document(tables: int) -> str:
    text = formats.SOURCE.read_text(encoding="utf-8")
    start = text.index("## ")
    return text[:start] + text[start:] * max(tables // 2, 1)


def files(text: str, folder: Path) -> dict[str, Path]:
    out = {}
    for suffix, data in (
        (".md", text.encode("utf-8")),
        (".html", formats.html_page(text).encode("utf-8")),
        (".csv", formats.csv_sheet(text)),
        (".xlsx", formats.xlsx_book(text)),
        (".ods", formats.ods_book(text)),
        (".xls", formats.xls_book(text)),  # one sheet of at most 65,536 rows: 1,000 tables fit (≈ 19,000)
        (".docx", formats.docx_document(text)),  # python-docx: one ruled table a project, merged cells
    ):
        path = folder / f"doc{suffix}"
        path.write_bytes(data)
        out[suffix] = path
    return out


PDF_TABLES = 150  # tables of the long PDF: about 100 pages of A4


def pdf_file(count: int, folder: Path) -> tuple[Path, int]:
    """The document of `count` tables as the example's PDF (tests/formats.py), and its pages."""
    import pdfplumber

    path = folder / "doc.pdf"
    path.write_bytes(formats.pdf_document(document(count)))
    with pdfplumber.open(path) as pdf:
        return path, len(pdf.pages)


def best(linter: Linter, path: Path, runs: int = 5) -> tuple[float, int]:
    times, projects = [], 0
    for _ in range(runs):
        start = time.perf_counter()
        projects = len(linter.reader.read(blocks_of(read_source(path)), str(path)).projects)
        times.append(time.perf_counter() - start)
    return min(times), projects


def main() -> None:
    tables = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    linter = Linter(Config(), "en")
    with tempfile.TemporaryDirectory() as folder:
        for label, count in (("example", 2), (f"{tables} tables", tables)):
            sub = Path(folder) / str(count)
            sub.mkdir()
            for suffix, path in files(document(count), sub).items():
                seconds, projects = best(linter, path)
                size = path.stat().st_size / 1024
                print(f"{label:12} {suffix:6} {size:8.0f} KB {projects:5} tables {seconds * 1000:9.1f} ms")
        for count in (2, PDF_TABLES):
            sub = Path(folder) / f"pdf{count}"
            sub.mkdir()
            path, pages = pdf_file(count, sub)
            seconds, projects = best(linter, path, runs=5 if count == 2 else 1)
            size = path.stat().st_size / 1024
            label = "example" if count == 2 else f"{pages} pages"
            print(f"{label:12} {'.pdf':6} {size:8.0f} KB {projects:5} tables {seconds * 1000:9.1f} ms")


if __name__ == "__main__":
    main()
