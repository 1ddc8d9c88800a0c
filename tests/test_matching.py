"""budgetlint.matching: name similarity and the one-to-one assignment of cost rows to quantity rows."""

from __future__ import annotations

import random

from hypothesis import given, settings
from hypothesis import strategies as st

from budgetlint.matching import assign, normalize_name, similarity

# Names from real tables, and short pieces of them, so that containment and shared bigrams are common.
NAMES = [
    "举办培训班",
    "培训班",
    "培训人次",
    "编印科普刊物",
    "编印科普内刊",
    "支持市级科技馆",
    "支持市级科技馆-四市科技馆",
    "科普活动",
    "开展科普活动场次",
    "设备购置",
    "台式机",
    "专家咨询费",
    "会议费",
    "班",
    "科普",
    "刊物印刷",
]


def test_similarity_levels():
    assert similarity("培训班", "培训班") == 1.0
    assert similarity("培训班", "举办培训班") == 0.9  # containment of three characters or more
    assert 0 < similarity("编印科普刊物", "编印科普内刊") < 0.89
    assert similarity("会议费", "台式机") == 0.0
    assert normalize_name("（1）“编印”科普 刊物") == "1编印科普刊物"


def _score_with_units(rng: random.Random):
    """A score like the cost check's: the names' similarity, plus up to 0.05 or minus 0.1 by units."""
    bonus = {}

    def score(a: tuple[str, int], b: tuple[str, int], names: float) -> float:
        assert names == similarity(a[0], b[0])  # what assign passes is the names' similarity
        return names + bonus.setdefault((a[1], b[1]), rng.choice([0.05, 0.0, -0.1]))

    return score


def _every_pair(left, right, score, threshold) -> dict[int, tuple[int, float]]:
    """The assignment by scoring every pair, best first (no prefilter): the reference."""
    pairs = sorted(
        (-value, i, j)
        for i, a in enumerate(left)
        for j, b in enumerate(right)
        if (value := score(a, b, similarity(a[0], b[0]))) >= threshold
    )
    result: dict[int, tuple[int, float]] = {}
    for negative, i, j in pairs:
        if i not in result and all(taken != j for taken, _ in result.values()):
            result[i] = (j, -negative)
    return result


# Real names, and names over a five-character alphabet: overlaps, containment and Dice values near
# every threshold are frequent.
NAME = st.one_of(st.sampled_from(NAMES), st.text(alphabet="科普培训班", min_size=0, max_size=10))


@settings(max_examples=500, deadline=None)
@given(
    st.lists(NAME, max_size=12),
    st.lists(NAME, max_size=12),
    st.integers(0, 2**16),
    st.sampled_from([0.3, 0.45, 0.5, 0.7]),
)
def test_the_bigram_prefilter_never_changes_the_assignment(left, right, seed, threshold):
    left_rows = [(name, i) for i, name in enumerate(left)]
    right_rows = [(name, 100 + i) for i, name in enumerate(right)]
    score = _score_with_units(random.Random(seed))
    assert assign(left_rows, right_rows, lambda row: row[0], score, threshold, slack=0.05) == _every_pair(
        left_rows, right_rows, score, threshold
    )
