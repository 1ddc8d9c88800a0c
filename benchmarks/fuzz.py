"""Fuzz the reader, the builder, the checks and the CLI with 100,000+ mutated real tables.

    python benchmarks/fuzz.py [--inputs 100000] [--seed 1] [--workers N]

Each input is a window of a real document (examples/, tests/data/) mutated
by tests/test_fuzz.py's `mutate` — lines deleted, duplicated, swapped, split
and joined; TABs, pipes, full-width forms and random characters inserted;
truncation — and goes through one target in turn: io.decode of its bytes in
a random encoding with stray bytes, syntax.iter_lines, ValueReader.read of a
cell, Linter.check_text (builder and every check), and every 100th input the
whole `budgetlint check` command.  Any exception that escapes is printed with
the input that caused it (repr, reproducible from the seed) and counted; the
run ends with the count and the time.  Exit code 1 if anything escaped.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
import traceback
from multiprocessing import Pool
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

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
    from budgetlint.engine import Linter
    from budgetlint.io import InputError, decode
    from budgetlint.syntax import iter_lines

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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--inputs", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()
    chunk = 500
    scratch = tempfile.TemporaryDirectory(prefix="budgetlint-fuzz-")
    jobs = [(start, min(chunk, args.inputs - start), args.seed, scratch.name) for start in range(0, args.inputs, chunk)]
    began = time.perf_counter()
    done, failures = 0, []
    with scratch, Pool(args.workers) as pool:
        for count, found in pool.imap_unordered(run_chunk, jobs):
            done += count
            failures.extend(found)
            for failure in found:
                print(failure, file=sys.stderr)
    elapsed = time.perf_counter() - began
    print(
        f"fuzz: {done} inputs, {len(failures)} exceptions escaped, {elapsed:.1f} s "
        f"({done / elapsed:.0f} inputs/s, {args.workers} workers, seed {args.seed})"
    )
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
