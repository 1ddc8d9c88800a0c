"""What a rule pack's pathological pattern costs: Python's re against RE2 (google-re2), which runs a pack's
patterns (budgetlint/vocabulary.py compile_pattern), and the seed's check time with and without a pack.

    python benchmarks/pack_patterns.py

re backtracks exponentially on '(a+)+$' against 'aaa…a!': its time doubles with each character, so it is
timed up to 24 characters and the 40-character time is extrapolated; RE2 is timed on 40 characters and
on a 1 MB cell.  The seed is checked in a fresh process (warm caches), without a pack and with a pack
adding one placeholder pattern (which imports re2).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SEED = ROOT / "examples" / "ningxia-kexie-2024-performance-targets.txt"


def best(run, repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        began = time.perf_counter()
        run()
        times.append(time.perf_counter() - began)
    return min(times)


def check_seconds(folder: Path, env: dict[str, str]) -> float:
    command = [sys.executable, "-m", "budgetlint", "check", str(SEED), "--format", "concise"]
    subprocess.run(command, cwd=folder, env=env, capture_output=True)  # warm the caches
    return best(lambda: subprocess.run(command, cwd=folder, env=env, capture_output=True), 5)


def main() -> None:
    from budgetlint.vocabulary import compile_pattern

    pattern = "(a+)+$"
    python = re.compile(pattern)
    safe = compile_pattern(pattern, ours=False)
    for length in (16, 20, 24):
        text = "a" * length + "!"
        print(f"re   '{pattern}' on {length + 1:>7} chars: {best(lambda text=text: python.search(text), 1):.3f} s")
    at_24 = best(lambda: python.search("a" * 24 + "!"), 1)
    print(f"re   '{pattern}' on      41 chars: ~{at_24 * 2**16 / 3600:.0f} h (2^16 × the 24-char time)")
    for length in (40, 1 << 20):
        text = "a" * length + "!"
        print(f"re2  '{pattern}' on {length + 1:>7} chars: {best(lambda text=text: safe.search(text)) * 1000:.2f} ms")
    began = time.perf_counter()
    subprocess.run([sys.executable, "-c", "import re2"], check=True)
    with_re2 = time.perf_counter() - began
    began = time.perf_counter()
    subprocess.run([sys.executable, "-c", "pass"], check=True)
    print(f"import re2: {(with_re2 - (time.perf_counter() - began)) * 1000:.0f} ms")

    with tempfile.TemporaryDirectory() as scratch:
        env = dict(os.environ, BUDGETLINT_CACHE_DIR=str(Path(scratch) / "cache"), PYTHONPATH=str(ROOT))
        plain = Path(scratch) / "plain"
        plain.mkdir()
        packed = Path(scratch) / "packed"
        packed.mkdir()
        (packed / "budgetlint.toml").write_text("packs = ['p.toml']\n", encoding="utf-8")
        (packed / "p.toml").write_text("[vocabulary.words]\nplaceholders = ['待补充']\n", encoding="utf-8")
        print(f"seed check, no pack:            {check_seconds(plain, env) * 1000:.0f} ms")
        print(f"seed check, a pack's pattern:   {check_seconds(packed, env) * 1000:.0f} ms")


if __name__ == "__main__":
    main()
