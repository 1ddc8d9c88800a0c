"""Matching names that drift: cost rows to quantity rows, narrative phrases to indicators.

Real tables name the same thing differently in two places (编印科普刊物 /
编印科普内刊, 支持市级科技馆 / 支持市级科技馆-四市科技馆).  Names are
normalised (numbering prefixes, quotes and blanks dropped), then scored:
1.0 equal, 0.9 one contains the other, else the Dice coefficient of character
bigrams.  Pairs are assigned one-to-one, best score first.
"""

from __future__ import annotations

import re
from functools import lru_cache

TYPE_CHECKING = False  # typing is not imported on the check path
if TYPE_CHECKING:
    from collections.abc import Callable, Sequence
    from typing import TypeVar

    A = TypeVar("A")
    B = TypeVar("B")

_PUNCT = re.compile(r"[\s“”\"'‘’《》<>〈〉()（）\[\]【】·.。,，、;；:：!！?？\-—_/|]+")


def normalize_name(name: str, prefix: re.Pattern[str] | None = None) -> str:
    """The name as it is compared: without a numbering prefix matched by `prefix`, quotes and blanks."""
    return name_key(prefix)(name)


def name_key(prefix: re.Pattern[str] | None) -> Callable[[str], str]:
    """`normalize_name` with `prefix` bound, memoised by the name alone.  A check asks for it once and
    calls it for each indicator; the pattern is not part of the cache key because hashing a compiled
    pattern hashes its whole compiled program."""
    if prefix is None:
        return _name_key(None, True)
    return _name_key(prefix.pattern, isinstance(prefix, re.Pattern))


@lru_cache(maxsize=8)
def _name_key(pattern: str | None, ours: bool) -> Callable[[str], str]:
    from budgetlint.vocabulary import compile_pattern

    prefix = None if pattern is None else compile_pattern(pattern, ours)

    @lru_cache(maxsize=16384)
    def key(name: str) -> str:
        text = name.strip()
        if prefix is not None:
            text = prefix.sub("", text)
        return _PUNCT.sub("", text)

    return key


def _bigrams(text: str) -> list[str]:
    return [text[i : i + 2] for i in range(len(text) - 1)] or ([text] if text else [])


@lru_cache(maxsize=16384)
def bigram_set(text: str) -> frozenset[str]:
    return frozenset(_bigrams(text))


def common_bigrams(a: str, b: str) -> int:
    """How many distinct bigrams `a` and `b` share."""
    return len(bigram_set(a) & bigram_set(b))


def similarity(a: str, b: str) -> float:
    """1.0 equal; 0.9 containment (of at least 3 characters); else bigram Dice in [0, 1)."""
    if not a or not b:
        return 0.0
    return _similarity(a, b, common_bigrams(a, b), len(bigram_set(a)), len(bigram_set(b)))


def _similarity(a: str, b: str, common: int, size_a: int, size_b: int) -> float:
    """`similarity` from the counts of the names' distinct bigrams (shared, each), both names non-empty."""
    if a == b:
        return 1.0
    short, long = (a, b) if len(a) <= len(b) else (b, a)
    if len(short) >= 3 and short in long:
        return 0.9
    return min(2 * common / (size_a + size_b), 0.89)


def assign(
    left: Sequence[A],
    right: Sequence[B],
    key: Callable[[A | B], str],
    score: Callable[[A, B, float], float],
    threshold: float,
    slack: float = 0.0,
) -> dict[int, tuple[int, float]]:
    """One-to-one assignment, best score first: {left index: (right index, score)} above `threshold`.

    `key` is the name each side is matched on; `score(a, b, names)` scores a pair given the
    `similarity` of their names, adding at most `slack` to it.  A pair is scored only if its names
    could reach the threshold: they share enough bigrams for the Dice coefficient, or all of the
    shorter name's (containment, equality).  The others are never better than `slack` above a
    similarity below the threshold.  The names' similarity comes from the same bigram counts.
    """
    needed = threshold - slack - 1e-9  # float rounding must not drop a pair at the boundary
    right_keys = [key(b) for b in right]
    left_keys = [key(a) for a in left]
    result: dict[int, tuple[int, float]] = {}
    taken_right: set[int] = set()
    # First the pairs of equal names that score above any pair of different names could (their
    # similarity is at most 0.9, plus `slack`): best first, they are assigned before every other pair
    # would be, so the rows they take need not be compared with the rest.  Most cost rows name their
    # quantity row exactly; a table of 20 of each compares 20 pairs, not 400.
    by_name: dict[str, list[int]] = {}
    for j, name in enumerate(right_keys):
        if name:
            by_name.setdefault(name, []).append(j)
    ceiling = 0.9 + slack + 1e-9
    equal = sorted(
        (-value, i, j)
        for i, name in enumerate(left_keys)
        for j in by_name.get(name, ())
        if (value := score(left[i], right[j], 1.0)) > ceiling
    )
    _take(equal, result, taken_right)
    right_grams = [bigram_set(name) for name in right_keys]
    right_sizes = [len(grams) for grams in right_grams]
    open_right = [j for j in range(len(right)) if j not in taken_right]
    pairs = []
    for i, name in enumerate(left_keys):
        if i in result:
            continue
        grams = bigram_set(name)
        size = len(grams)
        for j in open_right:
            other = right_grams[j]
            if size and other and grams.isdisjoint(other):
                continue  # no bigram shared (most pairs): only a pair with an empty name passes the test below
            common = len(grams & other)  # a C-level set intersection
            other_size = right_sizes[j]
            if common != (size if size < other_size else other_size) and 2 * common < needed * (size + other_size):
                continue
            other_name = right_keys[j]
            names = _similarity(name, other_name, common, size, other_size) if name and other_name else 0.0
            value = score(left[i], right[j], names)
            if value >= threshold:
                pairs.append((-value, i, j))
    pairs.sort()
    _take(pairs, result, taken_right)
    return result


def _take(pairs: list[tuple[float, int, int]], result: dict[int, tuple[int, float]], taken_right: set[int]) -> None:
    """Assign the sorted (-score, left, right) pairs greedily to rows not taken yet."""
    for negative, i, j in pairs:
        if i in result or j in taken_right:
            continue
        taken_right.add(j)
        result[i] = (j, -negative)
