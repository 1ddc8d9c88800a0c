"""`budgetlint convert`: what was read from a page, a CSV file or a workbook, as canonical pipe text.

Whatever the container (budgetlint.containers: html, csv, tsv, xlsx, xlsm, ods, xls, and any added
later), its blocks are written as the text container reads them: a line of free text as it is, each
row of a grid as a pipe row of every one of its cells (a merged cell's continuation as an empty cell,
as the reader expects), `|` in a cell escaped as `\\|`, a blank line around each grid; then laid out
as `budgetlint fmt` lays out a document (budgetlint.fmt: aligned cells, a delimiter row after the
indicator headings) — without fmt's comparator rewrites, so that checking the converted file gives
the findings that checking the original gives, at their lines.  The text is read again and must give
the same projects as the original, or nothing is written (exit 2; a bug).

Where: `NAME.EXT.md` beside the file (`budget.xlsx` → `budget.xlsx.md`: the source's name kept whole,
so `a.csv` and `a.xlsx` never write the same file), or in `-o DIR`.  An existing file is never
overwritten unless `--force`, and the source never.  A new file is written whole or not at all (a
temporary file linked into place: budgetlint.rewrite.write_new).

Exit codes: 0 every file converted; 2 a file could not be read, converted or written (one line each,
the other files still converted).
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator

    from budgetlint.grid import Block

SUFFIX = ".md"


class ConvertError(Exception):
    """One file not converted; str() is one line naming it."""


def pipe_text(blocks: Iterable[Block]) -> str:
    """The blocks as pipe text, line for line (before layout)."""
    from budgetlint.grid import Grid

    lines: list[str] = []
    for block in blocks:
        if isinstance(block, Grid):
            if lines and lines[-1]:
                lines.append("")  # a grid ends at a blank line: two grids never run together
            for row in block.rows:
                cells = [" ".join(cell.text.split("\n")).replace("|", "\\|") for cell in row.cells]
                lines.append("| " + " | ".join(cells) + " |")
            lines.append("")
        else:
            lines.append(block.text)
    while lines and not lines[-1]:
        lines.pop()
    return "\n".join(lines) + "\n" if lines else ""


def _again(read: list) -> Iterator[Block]:
    """The blocks read once (each grid's rows in a list), as fresh blocks: read as often as asked."""
    from budgetlint.grid import Grid

    for block, rows in read:
        yield block if rows is None else Grid(iter(rows), block.place)


def target_of(file: Path, out_dir: Path | None) -> Path:
    """Where `file` is converted to: NAME.EXT.md beside it or in `out_dir`."""
    return (out_dir if out_dir is not None else file.parent) / (file.name + SUFFIX)


def convert_text(file: Path, shown: str, config=None) -> str:
    """The canonical pipe text of the container file `file`; ConvertError (one line) if it cannot be."""
    from budgetlint.config import Config
    from budgetlint.engine import Linter
    from budgetlint.fmt import _Layout
    from budgetlint.grid import Grid
    from budgetlint.io import InputError, blocks_of, container_of, read_source
    from budgetlint.model import project_signature

    if not container_of(file):
        raise ConvertError(
            f"{shown}: pipe or TAB text already (not a page, CSV file or workbook); see `budgetlint fmt`"
        )
    try:
        source = read_source(file, shown)
    except InputError as error:
        raise ConvertError(str(error)) from None
    linter = Linter(config or Config())
    read = [(block, list(block.rows) if isinstance(block, Grid) else None) for block in blocks_of(source)]
    original = linter.reader.read(_again(read), shown)
    raw = pipe_text(_again(read))
    expected = [project_signature(project) for project in original.projects]
    text, _ = _Layout(linter.vocabulary).format(raw) if raw else ("", None)
    for candidate in (text, raw):  # the layout's text, else the rows as read (a layout that would misread)
        if [project_signature(project) for project in linter.parse(candidate, shown).projects] == expected:
            return candidate
    raise ConvertError(f"{shown}: as pipe text it would read differently; not converted (please report this)")


def convert_file(file: Path, out_dir: Path | None, force: bool) -> Path:
    """Convert `file`, write it and return where; ConvertError (one line) when not done."""
    import os

    from budgetlint.config import ConfigError, config_for
    from budgetlint.rewrite import RefusedError, rewrite, write_new
    from budgetlint.runner import display_path

    shown = display_path(file)
    target = target_of(file, out_dir)
    if os.path.realpath(target) == os.path.realpath(file):
        raise ConvertError(f"{shown}: the converted file would be the source itself; not converted")
    try:
        config = config_for(file)
    except ConfigError as error:
        raise ConvertError(str(error)) from None
    text = convert_text(file, shown, config)
    shown_target = display_path(target)
    try:
        if not write_new(target, shown_target, text):
            if not force:
                raise ConvertError(f"{shown_target}: exists; not overwritten (--force overwrites it)")
            rewrite(target, shown_target, lambda original: (text, None), doing="converting")
    except RefusedError as error:
        raise ConvertError(str(error)) from None
    except OSError as error:
        raise ConvertError(f"{shown_target}: cannot write ({error.strerror or error})") from None
    return target


@click.command("convert")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "-o",
    "--output-dir",
    "out_dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    help="Write the converted files in this folder (default: beside each file).",
)
@click.option("--force", is_flag=True, help="Overwrite a converted file that exists already.")
@click.option("--quiet", "-q", is_flag=True, help="Print only errors.")
def convert_command(files, out_dir, force, quiet):
    """Write what was read from each FILE (a page, CSV/TSV file or workbook) as canonical pipe text.

    FILE.EXT becomes FILE.EXT.md beside it (or in --output-dir); checking it gives the findings
    checking FILE.EXT gives.  An existing file is not overwritten without --force.  Exit codes:
    0 every file converted, 2 a file could not be read, converted or written (the others still are).
    """
    from budgetlint.runner import Guard, display_path

    if out_dir is not None and not out_dir.is_dir():
        click.echo(f"budgetlint: {out_dir}: no such folder", err=True)
        sys.exit(2)
    failed = 0
    for file in files:
        bugs: list = []
        with Guard(display_path(file), bugs):  # an InputError or a bug of ours: one line, the others converted
            try:
                target = convert_file(file, out_dir, force)
                if not quiet:
                    click.echo(f"{display_path(file)} → {display_path(target)}", err=True)
            except ConvertError as error:
                click.echo(str(error), err=True)
                failed += 1
        for bug in bugs:
            click.echo(str(bug), err=True)
            failed += 1
    sys.exit(2 if failed else 0)
