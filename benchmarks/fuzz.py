"""Fuzz the reader, the builder, the checks, --fix, fmt and the CLI with 100,000+ inputs.

    python benchmarks/fuzz.py [--inputs 100000] [--seed 1] [--workers N] [--mode mutated|structured]

--mode mutated (the default): each input is a window of a real document (examples/, tests/data/) mutated
by tests/test_fuzz.py's `mutate` — lines deleted, duplicated, swapped, split and joined; TABs, pipes,
full-width forms and random characters inserted; truncation — and goes through one target in turn:
io.decode of its bytes in a random encoding with stray bytes, iter_lines, ValueReader.read of a cell,
Linter.check_text (builder and every check), and every 100th input the whole `budgetlint check` command.

--mode structured: each input is a real table skeleton (examples/templates, examples/clean …) with
1–6 cells made hostile by tests/test_fuzz.py's `structured` — huge and zero numbers, /0个 denominators,
impossible dates (2024年2月30日, 13月), control characters, deep brackets, mixed full/half-width digits,
one input in 2,000 a 1 MB cell — and goes through check, --fix and fmt as the commands run them
(`run_structured`: Linter.check_text, fix_text with unsafe fixes, Formatter.format_text), checking that
the fixed text reads as as many tables and that fmt is idempotent (all of fmt again on every 10th input
and on any where fmt kept a block as written, its layout again on the others); every 1,000th input also runs the commands themselves (`check --fix`
and `fmt` on a file, in-process through the CLI).

Any exception that escapes is printed with the input that caused it (reproducible from the seed and
the input's number) and counted; the run ends with the counts and the time.  Exit code 1 if anything
escaped or any problem was found.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
import traceback
from collections import Counter
from multiprocessing import Pool
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]  # this checkout's budgetlint, and the tests' generators

UNICODE_POOL = "".join(
    chr(c)
    for c in [
        *range(0x20, 0x7F),
        *range(0xA0, 0x250),
        *range(0x2000, 0x2070),
        *range(0x3000, 0x3040),
        *range(0x4E00, 0x4E80),
        *range(0xFF00, 0xFF70),
        0x0,
        0x7,
        0xB,
        0xC,
        0x1B,
        0x7F,
        0x85,
        0x2028,
        0x2029,
        0xFEFF,
        0xFFFD,
        0x1F600,
    ]
)


def run_chunk(args: tuple[int, int, int, str]) -> tuple[int, list[str]]:
    """Run inputs number start … start+count-1 of the run with `seed`; return (inputs, failures).
    Files go under `scratch` (the run's own folder, removed at its end)."""
    start, count, seed, scratch = args
    os.environ["BUDGETLINT_CACHE_DIR"] = os.path.join(scratch, "cache")
    from click.testing import CliRunner
    from test_fuzz import CORPUS, mutate, window

    from budgetlint.cli import main
    from budgetlint.config import Config
    from budgetlint.containers.text import iter_lines
    from budgetlint.engine import Linter
    from budgetlint.io import InputError, decode

    linter = Linter(Config(), "en")
    failures: list[str] = []
    folder = Path(tempfile.mkdtemp(prefix="cli-", dir=scratch))
    for number in range(start, start + count):
        rng = random.Random(f"{seed}:{number}")
        text = mutate(window(rng, rng.choice(CORPUS)), rng, rng.randint(0, 16), UNICODE_POOL)
        target = number % 4
        try:
            if target == 0:  # bytes → text, as files arrive
                encoding = rng.choice(["utf-8", "utf-8-sig", "gb18030", "utf-16", "utf-16-le", "big5", "latin-1"])
                data = text.encode(encoding, errors="replace")
                if rng.random() < 0.3:
                    at = rng.randint(0, len(data))
                    data = data[:at] + bytes(rng.randrange(256) for _ in range(rng.randint(1, 6))) + data[at:]
                try:
                    source = decode(data, "t.md")
                except InputError as error:
                    assert "\n" not in str(error)
                else:
                    linter.check_text(source.text, "t.md")
            elif target == 1:
                for _ in iter_lines(text.replace("\r\n", "\n").replace("\r", "\n")):
                    pass
            elif target == 2:
                cells = [c for c in text.replace("|", "\t").replace("\n", "\t").split("\t") if c.strip()] or [text]
                linter.values.read(rng.choice(cells))
            else:
                linter.check_text(text.replace("\r\n", "\n").replace("\r", "\n"), "t.md")
            if number % 100 == 0:
                (folder / "t.md").write_text(text, encoding="utf-8", errors="surrogatepass")
                result = CliRunner().invoke(main, ["check", str(folder / "t.md"), "--format", "json"])
                if result.exception is not None and not isinstance(result.exception, SystemExit):
                    raise result.exception
                assert result.exit_code in (0, 1, 2), result.exit_code
        except Exception:  # noqa: BLE001 — the point is to catch everything that escapes
            failures.append(f"input {seed}:{number} (target {target}): {text!r}\n{traceback.format_exc()}")
    return count, failures


def run_structured_chunk(args: tuple[int, int, int, str]) -> tuple[int, list[str]]:
    """Structured inputs number start … start+count-1 of the run with `seed`; (inputs, failures)."""
    start, count, seed, scratch = args
    os.environ["BUDGETLINT_CACHE_DIR"] = os.path.join(scratch, "cache")
    from click.testing import CliRunner
    from test_fuzz import run_structured, structured

    from budgetlint.cli import main
    from budgetlint.config import Config
    from budgetlint.engine import Linter
    from budgetlint.fmt import Formatter

    linter, formatter = Linter(Config(), "en"), Formatter(Config(), "en")
    failures: list[str] = []
    folder = Path(tempfile.mkdtemp(prefix="cli-", dir=scratch))
    for number in range(start, start + count):
        rng = random.Random(f"{seed}:{number}")
        text = structured(rng, big=number % 2000 == 1999)
        try:
            problems = run_structured(text, linter, formatter, thorough=number % 10 == 0)
            if number % 1000 == 0:  # the commands themselves, on a file
                for command in (["check", "--fix", "--unsafe-fixes"], ["fmt"]):
                    (folder / "t.md").write_text(text, encoding="utf-8", errors="surrogatepass")
                    result = CliRunner().invoke(main, [*command, str(folder / "t.md")])
                    if result.exception is not None and not isinstance(result.exception, SystemExit):
                        raise result.exception
                    # exit 2 with one line for an unusable input (NUL bytes: a binary file; no table) is
                    # the documented outcome; an internal error is a bug
                    if result.exit_code not in (0, 1, 2) or "internal error" in result.output:
                        problems.append(f"{' '.join(command)}: exit {result.exit_code}: {result.output[-300:]!r}")
        except Exception:  # noqa: BLE001 — the point is to catch everything that escapes
            failures.append(f"input {seed}:{number} (structured): {text[:2000]!r}\n{traceback.format_exc()}")
            continue
        failures.extend(f"input {seed}:{number} (structured): {problem}: {text[:2000]!r}" for problem in problems)
    return count, failures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--inputs", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--mode", choices=("mutated", "structured"), default="mutated")
    args = parser.parse_args()
    work = run_structured_chunk if args.mode == "structured" else run_chunk
    chunk = 500
    scratch = tempfile.TemporaryDirectory(prefix="budgetlint-fuzz-")
    jobs = [(start, min(chunk, args.inputs - start), args.seed, scratch.name) for start in range(0, args.inputs, chunk)]
    began = time.perf_counter()
    done, failures = 0, []
    with scratch, Pool(args.workers) as pool:
        for count, found in pool.imap_unordered(work, jobs):
            done += count
            failures.extend(found)
            for failure in found:
                print(failure, file=sys.stderr)
            elapsed = time.perf_counter() - began
            print(f"… {done} inputs, {len(failures)} failures, {elapsed:.0f} s", file=sys.stderr, flush=True)
    elapsed = time.perf_counter() - began
    kinds = Counter(failure.split(": ", 2)[1] if "Traceback" not in failure else "exception" for failure in failures)
    print(
        f"fuzz ({args.mode}): {done} inputs, {len(failures)} failures "
        f"({', '.join(f'{count} {kind}' for kind, count in kinds.most_common()) or 'none'}), {elapsed:.1f} s "
        f"({done / elapsed:.0f} inputs/s, {args.workers} workers, seed {args.seed})"
    )
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
