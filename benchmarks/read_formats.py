"""Read time per format: the same document as pipe text, HTML page, CSV, workbooks and Word, from file to model.

    python benchmarks/read_formats.py [TABLES]

The example of examples/formats/ (2 tables) and a document of TABLES tables (default 1,000: its
projects repeated), each written as tests/formats.py writes the example.  For each: the best of 5
reads of the file into the model (decoding, the container's blocks, the reader), in this process.
The PDF is written for the example and for a document of about 100 pages (PDF_TABLES tables): a
PDF of 1,000 tables (some 650 pages) would take minutes to write and to read.

Then the example workbook with its sheet run on to 1,000,000 empty but formatted rows (each row's
cells styled, no value: what formatting whole rows leaves), as .xlsx and .ods (.xls holds 65,536
rows): checked by `budgetlint check` in a process of its own, its wall time and peak memory (the
child's maximum resident set) and CPU time (what a shared machine's load does not inflate).  The goal:
at most 10 s and 500 MB each.
"""

from __future__ import annotations

import io
import re
import subprocess
import sys
import tempfile
import time
import zipfile
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


def best(linter: Linter, path: Path, runs: int = 5) -> tuple[float, float, int]:
    """(best wall seconds, best CPU seconds, tables) of reading `path` into the model."""
    times, cpu, projects = [], [], 0
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        projects = len(linter.reader.read(blocks_of(read_source(path)), str(path)).projects)
        times.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return min(times), min(cpu), projects


ROWS = 1_000_000
GOAL_SECONDS, GOAL_MB = 10, 500


def formatted_rows(data: bytes, suffix: str, rows: int = ROWS, level: int = 9, formula: str = "") -> bytes:
    """The workbook `data` (tests/formats.py's example) with its sheet run on to `rows` rows, the ones after
    the table empty but formatted: in an .xlsx each a row of six styled cells without a value, every one
    written out (as Excel writes rows formatted one by one); in an .ods one row repeated (as LibreOffice
    writes them), of six styled cells.  `formula`: an .xlsx's last row also holds it in G, with no cached
    result (a BL004 past the million rows); `level`: the zip's compression level."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as target,
    ):
        for info in source.infolist():
            body = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                last = max(int(number) for number in re.findall(rb'<row r="(\d+)"', body))
                empty = "".join(
                    f'<row r="{r}" s="1" customFormat="1"><c r="A{r}" s="1"/><c r="B{r}" s="1"/><c r="C{r}" s="1"/>'
                    f'<c r="D{r}" s="1"/><c r="E{r}" s="1"/><c r="F{r}" s="1"/></row>'
                    for r in range(last + 1, rows + 1)
                ).encode()
                if formula:
                    empty = empty[: -len(b"</row>")] + f'<c r="G{rows}"><f>{formula}</f></c></row>'.encode()
                body = body.replace(b"</sheetData>", empty + b"</sheetData>")
                corner = b"G%d" % rows if formula else b"F%d" % rows
                body = re.sub(rb'<dimension ref="A1:F\d+"', b'<dimension ref="A1:' + corner + b'"', body)
            elif info.filename == "content.xml" and suffix == ".ods":
                last = body.count(b"<table:table-row>")
                empty = (
                    f'<table:table-row table:number-rows-repeated="{rows - last}">'
                    '<table:table-cell table:style-name="Default" table:number-columns-repeated="6"/></table:table-row>'
                ).encode()
                body = body.replace(b"</table:table>", empty + b"</table:table>")
            target.writestr(info, body, compress_type=info.compress_type, compresslevel=level)
    return out.getvalue()


_CHILD = (  # budgetlint's command line, saying its own peak memory and CPU time on the way out
    "import atexit, resource, sys\n"
    "def said():\n"
    "    use = resource.getrusage(resource.RUSAGE_SELF)\n"
    "    peak = use.ru_maxrss\n"
    "    try:  # this program's own high-water mark (ru_maxrss may be the parent's, kept across exec)\n"
    "        with open('/proc/self/status') as status:\n"
    "            peak = next(int(line.split()[1]) for line in status if line.startswith('VmHWM:'))\n"
    "    except (OSError, StopIteration):\n"
    "        pass\n"
    "    sys.stderr.write(f'\\nUSAGE {peak} {use.ru_utime + use.ru_stime}\\n')\n"
    "atexit.register(said)\n"
    "sys.argv = ['budgetlint', *sys.argv[1:]]\n"
    "from budgetlint.cli import main\n"
    "main()\n"
)


def measured(path: Path) -> tuple[float, float, float, str]:
    """(wall seconds, CPU seconds, peak resident MB, its first line of output) of `budgetlint check PATH`
    in a process of its own.  CPU time is what a shared machine's load does not inflate."""
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", _CHILD, "check", str(path), "--format", "concise"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    seconds = time.perf_counter() - start
    usage = [line.split() for line in done.stderr.splitlines() if line.startswith("USAGE ")]
    peak_kb, cpu = (int(usage[-1][1]), float(usage[-1][2])) if usage else (0, 0.0)
    first = done.stdout.splitlines()[0] if done.stdout.strip() else done.stderr.strip().splitlines()[0]
    return seconds, cpu, peak_kb / 1024, f"exit {done.returncode}: {first[:80]}"


def million_rows(folder: Path) -> None:
    text = formats.SOURCE.read_text(encoding="utf-8")
    for suffix, data in ((".ods", formats.ods_book(text)), (".xlsx", formats.xlsx_book(text))):
        path = folder / f"million{suffix}"
        path.write_bytes(formatted_rows(data, suffix))
        seconds, cpu, mb, said = measured(path)
        verdict = "ok" if min(seconds, cpu) <= GOAL_SECONDS and mb <= GOAL_MB else "OVER THE GOAL"
        size = path.stat().st_size / 1024
        print(
            f"{ROWS:,} rows {suffix:6} {size:8.0f} KB {seconds:6.1f} s wall {cpu:6.1f} s CPU {mb:6.0f} MB peak"
            f"  {verdict}  ({said})"
        )


def main() -> None:
    tables = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    linter = Linter(Config(), "en")
    with tempfile.TemporaryDirectory() as folder:
        for label, count in (("example", 2), (f"{tables} tables", tables)):
            sub = Path(folder) / str(count)
            sub.mkdir()
            for suffix, path in files(document(count), sub).items():
                seconds, cpu, projects = best(linter, path)
                size = path.stat().st_size / 1024
                print(
                    f"{label:12} {suffix:6} {size:8.0f} KB {projects:5} tables {seconds * 1000:9.1f} ms wall"
                    f" {cpu * 1000:9.1f} ms CPU"
                )
        for count in (2, PDF_TABLES):
            sub = Path(folder) / f"pdf{count}"
            sub.mkdir()
            path, pages = pdf_file(count, sub)
            seconds, cpu, projects = best(linter, path, runs=5 if count == 2 else 1)
            size = path.stat().st_size / 1024
            label = "example" if count == 2 else f"{pages} pages"
            print(
                f"{label:12} {'.pdf':6} {size:8.0f} KB {projects:5} tables {seconds * 1000:9.1f} ms wall"
                f" {cpu * 1000:9.1f} ms CPU"
            )
        million_rows(Path(folder))


if __name__ == "__main__":
    main()
