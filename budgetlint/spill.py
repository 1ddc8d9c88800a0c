"""Findings beyond a bound held on disk: a document or a run of 10⁶ findings in bounded memory.

A completed finding costs about 2 KB in memory (its message, its arguments, its span and related rows),
so 700,000 findings of 100,000 one-line tables took 1.7 GB.  Here at most HELD findings are held: the
others are pickled in batches of BATCH to an anonymous temporary file (a `Tape`) and read back a batch
at a time.  Three pieces:

- `Spill`: a sequence appended to, then read in order any number of times (a document's findings
  before suppression, a document's report);
- `sort_spilled`: a document's findings sorted in bounded memory (sorted runs of HELD, merged);
- `Findings`: the findings of a whole run (`Result.findings`), one sorted run a document, read back in
  the report's order — the runs by path, runs of the same path merged — with counts by severity kept.

Below HELD findings nothing touches the disk: checking a folder of small tables is unchanged.
"""

from __future__ import annotations

import heapq
import pickle
from itertools import groupby

TYPE_CHECKING = False  # typing is not imported on the check path
if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator
    from typing import Any

HELD = 20_000  # findings held in memory, at most, by one Spill or by the runs of a Findings together
BATCH = 512  # findings pickled together: what one read from disk brings back


class Tape:
    """An anonymous temporary file of pickled batches, each read back by its offset and length.  Made on
    the first write; gone when closed or when the process ends (the system deletes it)."""

    __slots__ = ("file", "end")

    def __init__(self) -> None:
        self.file: Any = None
        self.end = 0

    def write(self, items: list) -> tuple[int, int]:
        if self.file is None:
            import tempfile

            self.file = tempfile.TemporaryFile(prefix="budgetlint-findings-")
        data = pickle.dumps([_pack(item) for item in items], protocol=pickle.HIGHEST_PROTOCOL)
        file = self.file
        file.seek(self.end)
        file.write(data)
        offset = self.end
        self.end += len(data)
        return offset, len(data)

    def read(self, offset: int, length: int) -> list:
        file = self.file
        file.flush()
        file.seek(offset)
        return [_unpack(item) for item in pickle.loads(file.read(length))]

    def close(self) -> None:
        if self.file is not None:
            self.file.close()
            self.file = None


_FINDING: Any = None
_FIELDS: Any = None  # operator.attrgetter of every field of a Finding, in the order its __init__ takes them


def _pack(item: Any) -> Any:
    """A finding as the tuple of its fields (read in C by attrgetter): a third of the cost of pickling the
    record, whose __reduce__ reads each field by name; anything else as it is."""
    global _FINDING, _FIELDS
    if _FINDING is None:
        from operator import attrgetter

        from budgetlint.findings import Finding

        _FINDING, _FIELDS = Finding, attrgetter(*Finding._fields)  # type: ignore[attr-defined]
    if type(item) is not _FINDING:
        return (None, item)
    return _FIELDS(item)


def _unpack(values: tuple) -> Any:
    if values[0] is None:
        return values[1]
    return _FINDING(*values)  # its own __init__, fields by position (tests/test_bounded.py holds them equal)


class _Counted:
    """What a Spill and the Findings of a run say of their size: they keep the count as items come."""

    __slots__ = ()
    count: int

    def __iter__(self) -> Iterator:
        raise NotImplementedError

    def __len__(self) -> int:
        return self.count

    def __bool__(self) -> bool:
        return self.count > 0

    def __getitem__(self, index):
        return list(self)[index]


class Spill(_Counted):
    """A sequence appended to and read in order, any number of times.  Beyond `held` items in memory,
    they go to `tape` in batches of BATCH; iteration reads them back a batch at a time, then the items
    still in memory.  `len`, truth and indexing work as on a list (indexing reads it all: for tests)."""

    __slots__ = ("tape", "segments", "memory", "count", "held", "severities")

    def __init__(self, items: Iterable = (), tape: Tape | None = None, held: int | None = None):
        self.tape = tape
        self.segments: list[tuple[int, int]] = []
        self.memory: list = []
        self.count = 0
        self.held = HELD if held is None else held
        self.severities: dict[str, int] = {}  # of the items that have one (findings): the report's counts
        self.extend(items)

    def append(self, item: Any) -> None:
        self.memory.append(item)
        self.count += 1
        severity = getattr(item, "severity", None)
        if severity is not None:
            self.severities[severity] = self.severities.get(severity, 0) + 1
        if len(self.memory) >= self.held:
            self.flush()

    def extend(self, items: Iterable) -> None:
        for item in items:
            self.append(item)

    def flush(self) -> None:
        """Write the items held in memory to the tape."""
        if not self.memory:
            return
        if self.tape is None:
            self.tape = Tape()
        memory = self.memory
        for start in range(0, len(memory), BATCH):
            self.segments.append(self.tape.write(memory[start : start + BATCH]))
        self.memory = []

    def __iter__(self) -> Iterator:
        tape = self.tape
        for offset, length in list(self.segments):
            assert tape is not None
            yield from tape.read(offset, length)
        yield from list(self.memory)

    def __reduce__(self):  # to another process: the items themselves (a tape is this process's)
        return Spill, (list(self),)


def sort_spilled(items: Iterable, key: Callable[[Any], Any], held: int | None = None) -> Iterator:
    """`items` sorted by `key` (stable, as `sorted`), in memory for at most `held` of them: sorted runs of
    `held` items written to a tape, then merged (heapq.merge keeps equal items in run order)."""
    held = HELD if held is None else held
    tape: Tape | None = None
    runs: list[Spill] = []
    chunk: list = []
    for item in items:
        chunk.append(item)
        if len(chunk) >= held:
            chunk.sort(key=key)
            if tape is None:
                tape = Tape()
            run = Spill(chunk, tape, held=len(chunk) + 1)
            run.flush()
            runs.append(run)
            chunk = []
    chunk.sort(key=key)
    if not runs:
        return iter(chunk)
    runs.append(Spill(chunk, tape, held=len(chunk) + 1))
    return heapq.merge(*runs, key=key)


class Findings(_Counted):
    """The findings of a run (`Result.findings`): one run a document, its findings sorted, and the counts
    by severity.  Iteration gives them in the report's order: the runs in the order they were added, or
    after `order()` the runs by path (stable: a file given twice keeps its two runs in order, merged),
    then the runs added since (standard input's, after the files).  At most HELD findings are held in
    memory for all the runs together; the others are on a tape."""

    __slots__ = ("runs", "tape", "held", "count", "severities", "ordered")

    def __init__(self, items: Iterable = ()):
        self.runs: list[tuple[str, Spill, bool]] = []  # (path, findings, sorted by Finding.sort_key)
        self.tape = Tape()
        self.held = 0
        self.count = 0
        self.severities: dict[str, int] = {}
        self.ordered = 0  # the first `ordered` runs are read by path (see `order`)
        self.extend(items)

    @classmethod
    def in_order(cls, findings: Iterable) -> Findings:
        """Findings already in the report's order (a report filtered, a cached part): a run for each
        stretch of one path, read as given."""
        store = cls()
        for path, group in groupby(findings, key=lambda finding: finding.path):
            store.add_run(path, group)
        return store

    def add_run(self, path: str, findings: Iterable, sort_key_ordered: bool = True) -> None:
        """One document's findings, sorted by Finding.sort_key (a Spill is taken as it is)."""
        if isinstance(findings, Spill) and sort_key_ordered:
            run = findings
            self.count += run.count
            for severity, number in run.severities.items():
                self.severities[severity] = self.severities.get(severity, 0) + number
            self.held += len(run.memory)
            self.runs.append((path, run, True))
        else:
            run = Spill((), self.tape, held=HELD + 1)
            self.runs.append((path, run, sort_key_ordered))
            for finding in findings:
                self._count(finding)
                run.append(finding)
                self.held += 1
                if self.held >= HELD:
                    self._flush()
        if self.held >= HELD:
            self._flush()

    def _count(self, finding: Any) -> None:
        self.count += 1
        severity = finding.severity
        self.severities[severity] = self.severities.get(severity, 0) + 1

    def _flush(self) -> None:
        for _, run, _ in self.runs:
            run.flush()
        self.held = 0

    def append(self, finding: Any) -> None:
        """A finding added alone (a test's, a tool's): to the last run if it is of the same path and was
        added this way, else a run of its own; such runs are not known to be sorted."""
        runs = self.runs
        if runs and len(runs) > self.ordered and not runs[-1][2] and runs[-1][0] == finding.path:
            self._count(finding)
            runs[-1][1].append(finding)
            self.held += 1
            if self.held >= HELD:
                self._flush()
            return
        self.add_run(finding.path, (finding,), sort_key_ordered=False)

    def extend(self, findings: Iterable) -> None:
        for finding in findings:
            self.append(finding)

    def order(self) -> None:
        """Read the runs added so far in the order of `sorted(findings, key=Finding.sort_key)`."""
        from budgetlint.findings import Finding

        if not all(known for _, _, known in self.runs):  # a run not known to be sorted: sort them all
            everything = sorted(self, key=Finding.sort_key)
            self.runs.clear()
            self.count, self.severities, self.held = 0, {}, 0
            for path, group in groupby(everything, key=lambda finding: finding.path):
                self.add_run(path, list(group))
        self.runs.sort(key=lambda run: run[0])  # stable: runs of one path keep their order
        self.ordered = len(self.runs)

    def __iter__(self) -> Iterator:
        from budgetlint.findings import Finding

        runs = self.runs
        ordered = runs[: self.ordered]
        for _, group in groupby(ordered, key=lambda run: run[0]):
            spills = [run for _, run, _ in group]
            if len(spills) == 1:
                yield from spills[0]
            else:
                yield from heapq.merge(*spills, key=Finding.sort_key)
        for _, run, _ in runs[self.ordered :]:
            yield from run

    def __eq__(self, other: object) -> bool:
        if isinstance(other, (Findings, list)):
            return list(self) == list(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __reduce__(self):  # to another process: the findings themselves (a tape is this process's)
        return _rebuild, ([(path, list(run), known) for path, run, known in self.runs], self.ordered)

    def __repr__(self) -> str:
        return f"Findings({self.count} findings in {len(self.runs)} runs)"


def _rebuild(runs: list[tuple[str, list, bool]], ordered: int) -> Findings:
    store = Findings()
    for path, findings, known in runs:
        store.add_run(path, findings, known)
    store.ordered = ordered
    return store
