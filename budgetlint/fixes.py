"""Applying fixes: the edits of findings' Fixes written into the text, and files rewritten safely.

`check --fix` applies the fixes marked safe (`--unsafe-fixes`: all of them).
Edits are applied all-or-nothing per fix; a fix whose edits overlap an edit
already taken waits for the next round, which re-checks the new text.  Rounds
stop when nothing more applies, after MAX_ROUNDS, or when a text comes back
(two fixes undoing each other).  A file that cannot be read is never written;
files are rewritten by budgetlint.rewrite (locked, checked unchanged, line ends kept).  How edits go into a
text is budgetlint.edits (the reporters show a fix's effect with it).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from budgetlint.edits import apply_fixes
from budgetlint.findings import Finding
from budgetlint.io import InputError, container_of

MAX_ROUNDS = 10


@dataclass
class FixOutcome:
    text: str
    applied: int = 0  # fixes applied over all rounds
    by_code: Counter = field(default_factory=Counter)
    rounds: int = 0
    remaining: list[Finding] = field(default_factory=list)  # the findings of the final text
    unsafe_left: int = 0  # fixes there but not applied because they are unsafe


def wanted(finding: Finding, unsafe: bool) -> bool:
    return finding.fix is not None and bool(finding.fix.edits) and (finding.fix.safe or unsafe)


def fix_text(
    text: str,
    check: Callable[[str], list[Finding]],
    unsafe: bool = False,
    max_rounds: int = MAX_ROUNDS,
    first: list[Finding] | None = None,
) -> FixOutcome:
    """Apply fixes round after round: check, apply the non-overlapping ones, check again.

    `first`: the findings of `text`, when the caller has them already.
    """
    outcome = FixOutcome(text)
    seen = {text}
    findings = check(text) if first is None else first
    while outcome.rounds < max_rounds:
        fixable = [f for f in findings if wanted(f, unsafe)]
        if not fixable:
            break
        applied = apply_fixes(outcome.text, fixable)
        if not applied.fixes or applied.text in seen:
            break
        outcome.rounds += 1
        outcome.text = applied.text
        outcome.applied += len(applied.fixes)
        outcome.by_code.update(f.code for f in applied.fixes)
        seen.add(applied.text)
        findings = check(outcome.text)
    outcome.remaining = findings
    outcome.unsafe_left = sum(1 for f in findings if f.fix is not None and not f.fix.safe and not unsafe)
    return outcome


def unified_diff(shown: str, before: str, after: str) -> str:
    """The unified diff of a file's text before and after a rewrite (`fmt --diff`, `check --diff`): a/ and b/
    before a relative path, as git writes them."""
    import difflib

    name = shown if Path(shown).is_absolute() else None
    return "".join(
        difflib.unified_diff(
            before.splitlines(keepends=True),
            after.splitlines(keepends=True),
            fromfile=name or f"a/{shown}",
            tofile=name or f"b/{shown}",
        )
    )


# ==================================================================== files
@dataclass
class FixSummary:
    files: int = 0  # files written
    applied: int = 0
    by_code: Counter = field(default_factory=Counter)
    unsafe_left: int = 0
    errors: list[str] = field(default_factory=list)
    failed: list = field(default_factory=list)  # FileErrors: the files where fixing met a bug of ours (Guard)
    diffs: list[str] = field(default_factory=list)  # without writing (check --diff): each changed file's diff

    def describe(self, would: bool = False) -> str:
        """What was fixed (or, `would`, what would be: check --diff)."""
        codes = ", ".join(f"{code} ×{count}" for code, count in sorted(self.by_code.items()))
        text = (
            f"{'would fix' if would else 'fixed'} {self.applied} finding{'s' * (self.applied != 1)} in {self.files} "
            f"file{'s' * (self.files != 1)}" + (f" ({codes})" if codes else "")
        )
        if self.unsafe_left:
            text += (
                f"; {self.unsafe_left} unsafe fix{'es' * (self.unsafe_left != 1)} not applied "
                "(review them, or use --unsafe-fixes)"
            )
        return text


def fix_paths(runner, paths: list[Path], unsafe: bool = False, write: bool = True) -> FixSummary:
    """Fix every document under `paths` in place (`write`), or only say how (the diffs, `check --diff`).
    Files that do not read are left alone (check reports them); a bug of ours with one file leaves that
    file unchanged, goes to `failed`, and the others are fixed."""
    from budgetlint.runner import Guard, Result, display_path

    summary = FixSummary()
    walked = Result()  # what walking meets (a config that does not read, a link loop): check reports it
    for file, _explicit in runner.iter_files(paths, walked):
        if container_of(file):  # a page or a sheet is not rewritten (check reports its findings)
            continue
        shown = display_path(file)
        with Guard(shown, summary.failed):
            _fix_file(runner, file, shown, unsafe, summary, write)
    if not write:  # --diff does not check: it says them
        summary.errors[:0] = [str(error) for error in walked.errors if str(error) not in summary.errors]
    return summary


def _fix_file(runner, file: Path, shown: str, unsafe: bool, summary: FixSummary, write: bool = True) -> None:
    from budgetlint.config import ConfigError
    from budgetlint.rewrite import RefusedError, read, rewrite

    try:
        config = runner.config_for(file)
    except ConfigError as error:  # check reports it; --diff, which does not check, says it here
        if not write and str(error) not in summary.errors:
            summary.errors.append(str(error))
        return
    linter = runner.linter_for(config)
    outcomes: list[FixOutcome] = []

    def change(original) -> tuple[str, None]:
        outcome = fix_text(original.text, lambda text: linter.check_text(text, shown, file)[1], unsafe)
        outcomes.append(outcome)
        return outcome.text, None

    try:
        if write:
            written = rewrite(file, shown, change)
        else:
            original = read(file, shown)
            text, _ = change(original)
            written = text != original.text
            if written:
                summary.diffs.append(unified_diff(shown, original.text, text))
    except InputError as error:  # check reports it; --diff, which does not check, says it here
        if not write:
            summary.errors.append(str(error))
        return
    except RefusedError as error:
        summary.errors.append(str(error))
        return
    except OSError as error:
        summary.errors.append(f"{shown}: cannot write the fixes ({error.strerror or error}); left unchanged")
        return
    if not outcomes:
        return
    outcome = outcomes[-1]
    summary.unsafe_left += outcome.unsafe_left
    if written:
        summary.files += 1
        summary.applied += outcome.applied
        summary.by_code.update(outcome.by_code)
