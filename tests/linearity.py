r"""A static proof that a regular expression runs in linear time on CPython's `re`.

CPython's engine (sre) counts none of its steps for us, and timing it makes tests flaky.  So
the patterns that read user text are proved linear here, from their parsed form
(`re._parser`).  `problems(pattern, mode)` returns why linearity could not be proved: an empty
list means it is proved.  The condition is sufficient, not necessary.  A pattern it rejects
may still be linear.

Modes
-----
* "match": `.match` / `.fullmatch`, at one start position.
* "search": one `.search` (starts at every position until one succeeds).
* "scan": `finditer`, `findall`, `sub`, `split`, and a lexer calling `.match` token after
  token.  Starts move forward, and the successful matches do not overlap.
scan implies search, and search implies match.

The argument
------------
sre is a backtracking matcher.  From a start position it walks, depth first, the tree of
*paths* through the pattern that fit the text, and it stops at the first path that reaches the
end of the pattern.  A path is the sequence of character-reading items it passes ("positions":
a literal, a class, `.`) with the choices it made between them (which alternative; iterate or
leave a repeat).  The work is the number of nodes the walk visits, each costing a constant
that depends on the pattern and not on the text, plus the evaluations of lookarounds.

The positions, and the ways to go from one to the next, are those of the Glushkov automaton
with multiplicities.  Two different choices between the same two positions are two edges,
because sre takes them as two paths: (a|a)* has two edges a→a, and so has (a*)*.  Repeats
follow sre: an iteration may match the empty string only as the last one, and a bounded
repeat {m,n} is unrolled into its copies.  Assertions are read as always true, which only
adds paths.  Atomic groups and possessive repeats are read as plain ones: they only cut
subtrees off the walk, so the walk of the plain pattern bounds theirs.  There is one
exception.  A possessive repeat of one character class C with no upper bound (`\s*+`, and
`(?>\s*)`) leaves its run only on a character that is not in C, or at the end of the text.
So every way out of it, or past it when it is empty, reads a character outside C.

A position x is *final* when the rest of the pattern after x can match the empty string with
no assertion on the way.  It is also final when x repeats over every character (every
character but "\n" with MULTILINE) and only end-of-text (end-of-line) assertions follow it:
`(?s).*$`.  Once the walk reads a final position, it succeeds inside that subtree.  So the
nodes the walk visits are of three kinds:
  * the one successful path, one node a character;
  * paths that read only non-final positions from the start;
  * paths that read a final position of the successful path and then non-final positions only.
These paths make up an automaton N:
  * from the start: the non-final positions;
  * the successful path.  With one start (match, search), it is the deterministic automaton
    of the sets of positions where that path can be, one path for each text read.  With many
    starts (scan), the successful paths do not overlap, so there is one node a character, at
    some position; that is "any text (a state S looping on every character), then one final
    position x̂".  Open paths leave it after each final position;
  * search and scan add failed starts at every position: S followed by the non-final first
    positions.  A start behind `^` or `\A` does not count, because it fails at once except at
    the start of the text.

What a search needs beyond a match: the engine restarts at every position, so no stretch of
text may be read by failing attempts from many starts.  Before its first final position, the
pattern must not loop on characters it can also reach from a start.  \s*x, [^\n]*;, and
(a|ab)*c are linear from one start but quadratic as searches.  A first literal that cannot
recur before the loop is enough (`<!--\s*+…` in suppression.DIRECTIVE), as is a `^`, or a final
position right away (\d+).  In a scan, the successful matches also count: after a final
position, a match must not run on through a loop over text that a later match reads again
(x(?:[^\n]*y)? with finditer).  Matching one line at a time (table.lark, via
containers.text.iter_lines) needs only the match mode.

If N is *finitely ambiguous*, there is a bound d on the paths that read any given text,
whatever the text.  Then at most d·|pattern| nodes are visited at each depth, and the work is
linear.  Weber & Seidl (1991) show that N is finitely ambiguous if and only if it has neither
of these (every state counts as accepting here, because every visited node counts):
  * EDA: a state with two different cycles that read the same word.  This gives exponential
    backtracking: (a+)+$, (\s*)*x, (a|a)*b;
  * IDA: two states p ≠ q, with p→p, p→q and q→q all reading one same word v.  A run of v
    then splits between the two loops in as many ways as it is long: \s*\s*x,
    [^\n]*[^\n]*x, and in search mode \s*x, where each start scans the whole run again.
Both are decided on the product automata N×N and N×N×N, with the character sets of edges
intersected.  The sets are exact sets of code points, read from the engine itself.

A lookaround stands between positions of the outer pattern, so it is evaluated at most
d·|pattern| times at each position.  If its body has a bounded width, each evaluation costs a
constant.  If not, every node of every evaluation is counted.  The automaton for that is
"any text, then the position read just before the lookaround (or nothing, where the
lookaround can come first), then the body's positions".  It leaves out the body positions
after which the body ends at once: final, with nothing after them.  That automaton must be
finitely ambiguous.  Nested lookarounds are checked the same way in their own context.
Backreferences and conditional groups are not analysed; each one is reported as a problem.

Everything sre does beyond this model only removes work: first-character and prefix scans,
skipping starts, the tail-literal check of single-character repeats.
"""

from __future__ import annotations

import re
from collections import deque
from functools import lru_cache
from re import _compiler as _sre_compile  # type: ignore[attr-defined]
from re import _constants as K  # type: ignore[attr-defined]
from re import _parser as _sre_parse  # type: ignore[attr-defined]

MODES = ("match", "search", "scan")

_UNBOUNDED = K.MAXREPEAT
_MAX_POSITIONS = 20_000  # an unrolled {m,n} larger than this is not analysed
_MAX_SPINE = 1_000  # states of the deterministic automaton of the successful path (past it: the coarse model)
_MAX_WORK = 200_000  # pairs and triples of states the ambiguity tests may visit (past it: the coarse model)
_SINGLE = {K.LITERAL, K.NOT_LITERAL, K.ANY, K.IN, K.CATEGORY}
_REPEATS = {K.MAX_REPEAT, K.MIN_REPEAT, K.POSSESSIVE_REPEAT}


class Unsupported(Exception):
    pass


# ---------------------------------------------------------------- character sets: tuples of (lo, hi), sorted


@lru_cache(maxsize=2)
def _alphabet(isbytes: bool):
    return bytes(range(256)) if isbytes else "".join(map(chr, range(0x110000)))


def _merge(ranges) -> tuple:
    out: list[tuple[int, int]] = []
    for lo, hi in sorted(ranges):
        if out and lo <= out[-1][1] + 1:
            if hi > out[-1][1]:
                out[-1] = (out[-1][0], hi)
        else:
            out.append((lo, hi))
    return tuple(out)


def _complement(cs: tuple, top: int) -> tuple:
    out, nxt = [], 0
    for lo, hi in cs:
        if lo > nxt:
            out.append((nxt, lo - 1))
        nxt = hi + 1
    if nxt <= top:
        out.append((nxt, top))
    return tuple(out)


def _intersection(a: tuple, b: tuple) -> tuple:
    i = j = 0
    out = []
    while i < len(a) and j < len(b):
        lo, hi = max(a[i][0], b[j][0]), min(a[i][1], b[j][1])
        if lo <= hi:
            out.append((lo, hi))
        if a[i][1] < b[j][1]:
            i += 1
        else:
            j += 1
    return tuple(out)


_SCANNED: dict[tuple, tuple] = {}


def _scanned(item, flags: int, isbytes: bool) -> tuple:
    """The exact set of characters a single-character item matches: the runs of (item)+ that the
    engine itself finds over the whole alphabet (categories, case folding and flags as sre has them)."""
    key = (repr(item), flags, isbytes)
    if key not in _SCANNED:
        state = _sre_parse.State()
        state.flags = flags
        body = _sre_parse.SubPattern(state, [item])
        loop = _sre_parse.SubPattern(state, [(K.MAX_REPEAT, (1, _UNBOUNDED, body))])
        compiled = _sre_compile.compile(loop, flags)
        _SCANNED[key] = tuple((m.start(), m.end() - 1) for m in compiled.finditer(_alphabet(isbytes)))
    return _SCANNED[key]


def _charset(op, av, flags: int, isbytes: bool, top: int) -> tuple:
    if not flags & re.IGNORECASE:
        if op is K.LITERAL:
            return ((av, av),)
        if op is K.NOT_LITERAL:
            return _complement(((av, av),), top)
        if op is K.ANY:
            return ((0, top),) if flags & re.DOTALL else _complement(((10, 10),), top)
    return _scanned((op, av), flags, isbytes)


def _char(code: int) -> str:
    c = chr(code)
    if c in "\\]^-[":
        return "\\" + c
    return c if c.isprintable() else repr(c)[1:-1]


def render(cs: tuple, top: int) -> str:
    """A short, readable form of a character set."""
    if len(cs) == 1 and cs[0][0] == cs[0][1]:
        return repr(chr(cs[0][0]))
    if cs == ((0, top),):
        return "(any character)"
    negate = sum(hi - lo + 1 for lo, hi in cs) > (top + 1) // 2
    shown = _complement(cs, top) if negate else cs
    parts = [_char(lo) if lo == hi else f"{_char(lo)}-{_char(hi)}" for lo, hi in shown[:4]]
    return "[" + ("^" if negate else "") + "".join(parts) + ("…" if len(shown) > 4 else "") + "]"


def _sample(cs: tuple) -> str:
    for lo, hi in cs:
        for code in range(lo, min(hi, lo + 64) + 1):
            if chr(code).isprintable():
                return chr(code)
    return chr(cs[0][0])


# ---------------------------------------------------------------- weights: ways to go, by what they forbid
#
# The ways along an empty stretch of pattern, as {characters the next position must not read: count}.
# Counts are capped at 2: only "none", "one" and "more than one" matter.  A stretch that leaves or skips a
# possessive repeat of a class C forbids C.

_ONE: dict[tuple, int] = {(): 1}


def _cap(n: int) -> int:
    return 2 if n > 2 else n


def _plus(a: dict, b: dict) -> dict:
    out = dict(a)
    for key, n in b.items():
        out[key] = _cap(out.get(key, 0) + n)
    return out


def _times(a: dict, b: dict) -> dict:
    out: dict[tuple, int] = {}
    for ka, na in a.items():
        for kb, nb in b.items():
            key = _merge(ka + kb) if ka and kb else ka or kb
            out[key] = _cap(out.get(key, 0) + na * nb)
    return out


def _add(into: dict, key, weight: dict) -> None:
    if weight:
        into[key] = _plus(into.get(key, {}), weight)


# ---------------------------------------------------------------- the Glushkov automaton


class _Frag:
    """What a sub-pattern contributes: its ways to match empty, its first and last positions."""

    __slots__ = (
        "null",
        "null_u",
        "null_e",
        "null_l",
        "null_free",
        "first",
        "first_free",
        "first_z",
        "last",
        "last_u",
        "last_e",
        "last_l",
    )

    def __init__(self, null=None, null_u=False, null_e=False, null_l=False, null_free=False):
        self.null: dict = null or {}  # ways to match empty (assertions assumed true)
        self.null_u = null_u  # it matches empty with no assertion on the way
        self.null_e = null_e  # ... with only end-of-text assertions ($, \Z) on the way
        self.null_l = null_l  # ... with only MULTILINE $ on the way
        self.null_free = null_free  # ... passing no start anchor (^ without MULTILINE, \A)
        self.first: dict[int, dict] = {}  # position → ways to reach it first
        self.first_free: set[int] = set()  # first positions reached passing no start anchor
        self.first_z: set[int] = set()  # lookarounds reached before any position
        self.last: dict[int, dict] = {}  # position → ways to finish after it
        self.last_u: set[int] = set()  # last positions after which the rest is empty, with no assertion
        self.last_e: set[int] = set()  # ... or only end-of-text assertions
        self.last_l: set[int] = set()  # ... or only MULTILINE $


def _empty() -> _Frag:
    return _Frag(dict(_ONE), True, True, True, True)


def _zero_width(null_e=False, null_l=False, null_free=True) -> _Frag:
    return _Frag(dict(_ONE), False, null_e, null_l, null_free)


class Glushkov:
    """Positions, the ways from one to the next, and lookarounds of one parsed pattern."""

    def __init__(self, items, flags: int, isbytes: bool):
        self.isbytes = isbytes
        self.top = 0xFF if isbytes else 0x10FFFF
        self.sets: list[tuple] = []  # position → its characters
        self.reach: dict[int, str] = {}  # position in an unbounded repeat of every character ("all"), or all but \n
        self.follow: dict[int, dict[int, dict]] = {}  # position → next position → ways
        self.looks: list[tuple] = []  # lookaround → (direction, negative, body, flags)
        self.pre: dict[int, set[int]] = {}  # lookaround → positions read just before it
        self.root = self._seq(items, flags)
        root = self.root
        self.final = set(root.last_u)
        self.final |= {x for x in root.last_e if self.reach.get(x) == "all"}
        self.final |= {x for x in root.last_l if self.reach.get(x) in ("all", "line")}

    def name(self, x: int) -> str:
        return f"{render(self.sets[x], self.top)}@{x}"

    def label(self, y: int, forbidden: tuple) -> tuple:
        """What entering position y by a way that forbids `forbidden` reads."""
        return _intersection(self.sets[y], _complement(forbidden, self.top)) if forbidden else self.sets[y]

    # -- combinators
    def _link(self, last: dict, first: dict, first_z: set) -> None:
        for x, wx in last.items():
            row = self.follow.setdefault(x, {})
            for y, wy in first.items():
                _add(row, y, _times(wx, wy))
        for look in first_z:
            self.pre.setdefault(look, set()).update(last)

    def _concat(self, e: _Frag, f: _Frag) -> _Frag:
        out = _Frag(_times(e.null, f.null), e.null_u and f.null_u, e.null_e and f.null_e, e.null_l and f.null_l)
        out.null_free = e.null_free and f.null_free
        out.first = dict(e.first)
        out.first_z = set(e.first_z)
        if e.null:
            for y, w in f.first.items():
                _add(out.first, y, _times(e.null, w))
            out.first_z |= f.first_z
        out.first_free = e.first_free | (f.first_free if e.null_free else set())
        out.last = dict(f.last)
        if f.null:
            for x, w in e.last.items():
                _add(out.last, x, _times(w, f.null))
        out.last_u = f.last_u | (e.last_u if f.null_u else set())
        out.last_e = f.last_e | (e.last_e if f.null_e else set())
        out.last_l = f.last_l | (e.last_l if f.null_l else set())
        self._link(e.last, f.first, f.first_z)
        return out

    def _alt(self, frags: list[_Frag]) -> _Frag:
        out = _Frag()
        for f in frags:
            out.null = _plus(out.null, f.null)
            out.null_u |= f.null_u
            out.null_e |= f.null_e
            out.null_l |= f.null_l
            out.null_free |= f.null_free
            for y, w in f.first.items():
                _add(out.first, y, w)
            out.first_free |= f.first_free
            out.first_z |= f.first_z
            for x, w in f.last.items():
                _add(out.last, x, w)
            out.last_u |= f.last_u
            out.last_e |= f.last_e
            out.last_l |= f.last_l
        return out

    def _star(self, f: _Frag) -> _Frag:
        # sre: non-empty iterations, then perhaps one empty one (MAX_UNTIL and MIN_UNTIL stop after it)
        out = _empty()
        out.null = _plus(_ONE, f.null)
        out.first, out.first_free, out.first_z = dict(f.first), set(f.first_free), set(f.first_z)
        out.last = {x: _times(w, out.null) for x, w in f.last.items()}
        out.last_u, out.last_e, out.last_l = set(f.last_u), set(f.last_e), set(f.last_l)
        self._link(f.last, f.first, f.first_z)  # the next iteration
        return out

    # -- the parse tree
    def _seq(self, items, flags: int) -> _Frag:
        frag = _empty()
        for op, av in items:
            frag = self._concat(frag, self._item(op, av, flags))
        return frag

    def _item(self, op, av, flags: int) -> _Frag:
        if op in _SINGLE:
            x = len(self.sets)
            if x >= _MAX_POSITIONS:
                raise Unsupported("too many positions once bounded repeats are unrolled")
            self.sets.append(_charset(op, av, flags, self.isbytes, self.top))
            f = _Frag()
            f.first, f.first_free, f.last = {x: dict(_ONE)}, {x}, {x: dict(_ONE)}
            f.last_u, f.last_e, f.last_l = {x}, {x}, {x}
            return f
        if op is K.SUBPATTERN:
            _group, add, remove, items = av
            return self._seq(items, (flags | add) & ~remove)
        if op is K.ATOMIC_GROUP:
            if len(av) == 1 and av[0][0] is K.MAX_REPEAT:  # (?>x*) is x*+
                return self._repeat(*av[0][1], flags, possessive=True)
            return self._seq(av, flags)
        if op is K.BRANCH:
            return self._alt([self._seq(items, flags) for items in av[1]])
        if op in _REPEATS:
            return self._repeat(*av, flags, possessive=op is K.POSSESSIVE_REPEAT)
        if op is K.AT:
            multiline = bool(flags & re.MULTILINE)
            if av is K.AT_BEGINNING_STRING or (av is K.AT_BEGINNING and not multiline):
                return _zero_width(null_free=False)  # passed at the start of the text only
            if av is K.AT_END:
                return _zero_width(null_e=True, null_l=multiline)
            if av is K.AT_END_STRING:
                return _zero_width(null_e=True)
            return _zero_width()
        if op in (K.ASSERT, K.ASSERT_NOT):
            direction, items = av
            self.looks.append((direction, op is K.ASSERT_NOT, items, flags))
            f = _zero_width()
            f.first_z = {len(self.looks) - 1}
            return f
        if op in (K.GROUPREF, K.GROUPREF_EXISTS):
            raise Unsupported("a backreference or a conditional group")
        raise Unsupported(f"the item {op}")

    def _repeat(self, lo: int, hi: int, items, flags: int, possessive: bool = False) -> _Frag:
        start = len(self.sets)
        frag = _empty()
        for _ in range(lo):
            frag = self._concat(frag, self._seq(items, flags))
        if hi == _UNBOUNDED or hi - lo > 1000:  # a long bounded repeat is read as unbounded (more paths)
            frag = self._concat(frag, self._star(self._seq(items, flags)))
        else:
            tail = _empty()
            for _ in range(hi - lo):  # x{0,3} is (x(x(x)?)?)?
                tail = self._alt([self._concat(self._seq(items, flags), tail), _empty()])
            frag = self._concat(frag, tail)
        if hi == _UNBOUNDED and len(items) == 1 and items[0][0] in _SINGLE and len(self.sets) > start:
            chars = self.sets[start]
            if chars == ((0, self.top),):
                kind = "all"
            elif chars == _complement(((10, 10),), self.top):
                kind = "line"
            else:
                kind = ""
            for x in range(start, len(self.sets)):
                if kind:
                    self.reach[x] = kind
            if possessive:  # it ends only before a character it does not take
                guard = {chars: 1}
                frag.last = {x: _times(w, guard) for x, w in frag.last.items()}
                frag.null = _times(frag.null, guard)
        return frag


# ---------------------------------------------------------------- automata and their ambiguity


class _Nfa:
    """States and edges; an edge reads a set of characters and stands for some ways (1, or 2: more)."""

    def __init__(self):
        self.names: list[str] = []
        self.edges: list[dict[int, list[list]]] = []  # state → next state → [[ways, characters], …]
        self.starts: list[int] = []

    def state(self, name: str) -> int:
        self.names.append(name)
        self.edges.append({})
        return len(self.names) - 1

    def edge(self, a: int, b: int, chars: tuple, ways: int = 1) -> None:
        if not ways or not chars:
            return
        for old in self.edges[a].setdefault(b, []):
            if old[1] == chars:
                old[0] = _cap(old[0] + ways)
                return
        self.edges[a][b].append([ways, chars])

    def ways(self, a: int, b: int, weight: dict, g: Glushkov, y: int) -> None:
        for forbidden, n in weight.items():
            self.edge(a, b, g.label(y, forbidden), n)


def _sccs(nodes, succ) -> list[list]:
    """Tarjan's strongly connected components, iteratively."""
    index: dict = {}
    low: dict = {}
    on: set = set()
    stack: list = []
    out: list[list] = []
    for root in nodes:
        if root in index:
            continue
        index[root] = low[root] = len(index)
        stack.append(root)
        on.add(root)
        work = [(root, iter(succ(root)))]
        while work:
            node, children = work[-1]
            for child in children:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on.add(child)
                    work.append((child, iter(succ(child))))
                    break
                if child in on:
                    low[node] = min(low[node], index[child])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        member = stack.pop()
                        on.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    out.append(component)
    return out


def _ambiguity(nfa: _Nfa) -> str | None:
    """None when `nfa`, every state accepting, is finitely ambiguous; else what makes it infinitely so."""
    edges, names = nfa.edges, nfa.names
    reach: set[int] = set()
    todo = list(nfa.starts)
    while todo:
        s = todo.pop()
        if s not in reach:
            reach.add(s)
            todo.extend(edges[s])
    groups = _sccs(sorted(reach), lambda s: edges[s])
    component = {s: number for number, group in enumerate(groups) for s in group}
    cyclic = {s for s in reach if any(component[t] == component[s] for t in edges[s])}

    # The character sets are numbered and their intersections remembered: the searches below meet the
    # same few pairs many times.
    number: dict[tuple, int] = {}
    sets: list[tuple] = []
    meet: dict[tuple[int, int], int] = {}

    def intern(chars: tuple) -> int:
        if chars not in number:
            number[chars] = len(sets)
            sets.append(chars)
        return number[chars]

    def common(i: int, j: int) -> int:
        key = (i, j) if i <= j else (j, i)
        if key not in meet:
            both = _intersection(sets[i], sets[j])
            meet[key] = intern(both) if both else -1
        return meet[key]

    # state → [(next state, characters, edge number, ways)]
    out: dict[int, list[tuple[int, int, int, int]]] = {}
    count = 0
    for s in reach:
        out[s] = []
        for t, es in edges[s].items():
            for ways, chars in es:
                out[s].append((t, intern(chars), count, ways))
                count += 1
    members = {n: set(group) for n, group in enumerate(groups)}
    work = [0]

    def spend(n: int) -> None:
        work[0] += n
        if work[0] > _MAX_WORK:
            raise _TooBig

    # EDA: in N×N, a cycle through a diagonal pair (q, q) that takes two different edges at once.
    for group_members in members.values():
        inside_c = group_members & cyclic
        if not inside_c:
            continue
        local = {u: [e for e in out[u] if e[0] in inside_c] for u in inside_c}

        def steps(pair, local=local):
            u, v = pair
            for u2, lu, eu, ways in local[u]:
                for v2, lv, ev, _ in local[v]:
                    both = common(lu, lv)
                    if both >= 0:
                        yield (u2, v2), eu == ev and ways == 1, both

        def successors(pair):
            return {target for target, _, _ in steps(pair)}

        spend(len(inside_c) ** 2)
        nodes = [(u, v) for u in inside_c for v in inside_c]
        for product in _sccs(nodes, successors):
            inside = set(product)
            diagonal = [a for a, b in inside if a == b]
            if not diagonal:
                continue
            for pair in inside:
                for target, same, both in steps(pair):
                    if target in inside and not same:
                        (u, v), (u2, v2) = pair, target
                        return (
                            f"EDA: {names[diagonal[0]]} comes back to itself by two different paths that read the "
                            f"same text (one step of them: {names[u]}→{names[u2]} and {names[v]}→{names[v2]} on "
                            f"{_sample(sets[both])!r}): exponential backtracking"
                        )

    # IDA: p ≠ q, p→p, p→q and q→q on one word: in N×N×N, (p, p, q) reaches (p, q, q).
    forward: dict[int, set[int]] = {}
    for s in reach:
        seen: set[int] = set()
        todo = [s]
        while todo:
            for u in edges[todo.pop()]:
                if u not in seen:
                    seen.add(u)
                    todo.append(u)
        forward[s] = seen
    for p in sorted(cyclic):
        loop_p = members[component[p]]
        out_p = {a: [(a2, la) for a2, la, _, _ in out[a] if a2 in loop_p] for a in loop_p}
        for q in sorted(cyclic):
            # In one component, p→p, p→q, q→q on v and q→p on w make two cycles at p on vvw (p→p→q→p and
            # p→q→q→p): an EDA, found above.  So only states of different components are compared.
            if component[q] == component[p] or q not in forward[p]:
                continue
            loop_q = members[component[q]]
            out_q = {c: [(c2, lc) for c2, lc, _, _ in out[c] if c2 in loop_q] for c in loop_q}
            between = {s for s in forward[p] if s == q or q in forward[s]}
            out_b = {b: [(b2, lb) for b2, lb, _, _ in out[b] if b2 in between] for b in between | {p}}
            start, goal = (p, p, q), (p, q, q)
            parent: dict = {start: None}
            queue = deque([start])
            while queue and goal not in parent:
                spend(1)
                node = queue.popleft()
                a, b, c = node
                for a2, la in out_p[a]:
                    for b2, lb in out_b[b]:
                        ab = common(la, lb)
                        if ab < 0:
                            continue
                        for c2, lc in out_q[c]:
                            if (a2, b2, c2) not in parent:
                                abc = common(ab, lc)
                                if abc >= 0:
                                    parent[(a2, b2, c2)] = (node, abc)
                                    queue.append((a2, b2, c2))
            if goal in parent:
                chars, node = [], goal
                while parent[node] is not None:
                    node, label = parent[node]
                    chars.append(_sample(sets[label]))
                word = "".join(reversed(chars))
                return (
                    f"IDA: {names[p]} and {names[q]} both loop on {word!r}, and {names[p]} leads to {names[q]} on "
                    f"it: a run of it splits between the two in as many ways as it is long (polynomial backtracking)"
                )
    return None


class _TooBig(Exception):
    pass


def _walk_nfa(g: Glushkov, mode: str, coarse: bool = False) -> _Nfa:
    """The automaton N of the nodes the walk can visit (see the module docstring); `coarse`: the successful
    path as "any text, then a final position" whatever the mode (more paths, fewer states)."""
    nfa = _Nfa()
    start = nfa.state("the start")
    anywhere = nfa.state("any text")
    nfa.starts = [start, anywhere]
    nfa.edge(anywhere, anywhere, ((0, g.top),))
    state = {x: nfa.state(g.name(x)) for x in range(len(g.sets)) if x not in g.final}
    for y, w in g.root.first.items():
        if y in state:
            nfa.ways(start, state[y], w, g, y)
            if mode != "match" and y in g.root.first_free:  # a failed start anywhere
                nfa.ways(anywhere, state[y], w, g, y)
    for x in state:
        for y, w in g.follow.get(x, {}).items():
            if y in state:
                nfa.ways(state[x], state[y], w, g, y)
    if mode != "scan" and not coarse:
        _spine(g, nfa, start, state)
        return nfa
    for x in sorted(g.final):  # one node a character on the successful paths: a final position, then open ones
        row = {y: w for y, w in g.follow.get(x, {}).items() if y in state}
        if row:
            after = nfa.state(f"after the final {g.name(x)}")
            nfa.edge(anywhere, after, g.sets[x])
            for y, w in row.items():
                nfa.ways(after, state[y], w, g, y)
    return nfa


def _spine(g: Glushkov, nfa: _Nfa, start: int, state: dict[int, int]) -> None:
    """The one successful path from one start: the deterministic automaton of the sets of positions it
    may be at (one path for each text read), and the open paths that leave it after a final position."""
    index: dict[frozenset, int] = {}
    queue: deque = deque()

    def node(subset: frozenset) -> int:
        if subset not in index:
            if len(index) >= _MAX_SPINE:
                raise _TooBig
            s = index[subset] = nfa.state("the successful path, at " + "|".join(g.name(x) for x in sorted(subset)))
            queue.append(subset)
            for x in subset & g.final:
                for y, w in g.follow.get(x, {}).items():
                    if y in state:
                        nfa.ways(s, state[y], w, g, y)
        return index[subset]

    def successors(source: int, ways: dict[int, tuple]) -> None:
        regions = [(((0, g.top),), frozenset())]
        for y, chars in sorted(ways.items()):
            outside = _complement(chars, g.top)
            regions = [
                part
                for region, members in regions
                for part in ((_intersection(region, chars), members | {y}), (_intersection(region, outside), members))
                if part[0]
            ]
        for chars, members in regions:
            if members:
                nfa.edge(source, node(members), chars)

    def reads(pairs) -> dict[int, tuple]:
        out: dict[int, tuple] = {}
        for y, w in pairs:
            for forbidden in w:
                out[y] = _merge(out.get(y, ()) + g.label(y, forbidden))
        return out

    successors(start, reads(g.root.first.items()))
    while queue:
        subset = queue.popleft()
        successors(index[subset], reads(pair for x in subset for pair in g.follow.get(x, {}).items()))


def _look_nfa(outer: Glushkov, look: int, body: Glushkov) -> _Nfa:
    """Every node of every evaluation of a lookaround (see the module docstring)."""
    nfa = _Nfa()
    anywhere = nfa.state("any text")
    nfa.starts = [anywhere]
    nfa.edge(anywhere, anywhere, ((0, outer.top),))
    ends_at_once = {x for x in body.root.last_u if not body.follow.get(x)}
    state = {x: nfa.state(body.name(x)) for x in range(len(body.sets)) if x not in ends_at_once}
    entries = {y: w for y, w in body.root.first.items() if y in state}
    if look in outer.root.first_z:
        for y, w in entries.items():
            nfa.ways(anywhere, state[y], w, body, y)
    for x in sorted(outer.pre.get(look, ())):
        before = nfa.state(f"after {outer.name(x)}")
        nfa.edge(anywhere, before, outer.sets[x])
        for y, w in entries.items():
            nfa.ways(before, state[y], w, body, y)
    for x, row in body.follow.items():
        if x in state:
            for y, w in row.items():
                if y in state:
                    nfa.ways(state[x], state[y], w, body, y)
    return nfa


def _look_problems(g: Glushkov) -> list[str]:
    found = []
    for look, (direction, negative, items, flags) in enumerate(g.looks):
        kind = ("(?<!" if negative else "(?<=") if direction < 0 else ("(?!" if negative else "(?=")
        body = Glushkov(items, flags, g.isbytes)
        if items.getwidth()[1] >= _UNBOUNDED:  # an unbounded body: count every node of every evaluation
            try:
                reason = _ambiguity(_look_nfa(g, look, body))
            except _TooBig:
                raise Unsupported("too many states to compare") from None
            if reason:
                found.append(f"lookaround {kind}…) #{look}, evaluated at many positions: {reason}")
        found += [f"inside lookaround {kind}…) #{look}: {problem}" for problem in _look_problems(body)]
    return found


def problems(pattern, mode: str = "match", flags: int = 0) -> list[str]:
    """Why `pattern` (a string, bytes or a compiled pattern) could not be proved to run in linear time
    when used in `mode` ("match", "search" or "scan", see the module docstring).  Empty: proved."""
    if mode not in MODES:
        raise ValueError(f"mode must be one of {MODES}, not {mode!r}")
    if isinstance(pattern, re.Pattern):
        pattern, flags = pattern.pattern, pattern.flags
    parsed = _sre_parse.parse(pattern, flags)
    try:
        g = Glushkov(parsed, parsed.state.flags, isinstance(pattern, bytes))
        try:
            reason = _ambiguity(_walk_nfa(g, mode))
        except _TooBig:
            try:
                reason = _ambiguity(_walk_nfa(g, mode, coarse=True))
            except _TooBig:
                raise Unsupported("too many states to compare") from None
        return ([reason] if reason else []) + _look_problems(g)
    except Unsupported as error:
        return [f"not analysed: {error}"]
