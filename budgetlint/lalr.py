"""The grammars' parsers without lark at run time: tables derived by lark once, cached, run here.

Lark reads grammar/*.lark and computes the terminals (regular expressions in
lark's priority order) and the LALR(1) parse table.  Both are plain data; they
are cached as JSON keyed by the grammar's content hash, and this module runs
them with a contextual lexer and an LALR driver of a few dozen lines — the
same algorithm as lark's (tests/test_lalr.py checks that every tree is
identical).  Importing lark costs more than all the work of checking one
table, so the common path (`budgetlint check` in pre-commit and editors)
never imports it; lark runs only when a grammar changes.
"""

from __future__ import annotations

import re
from functools import lru_cache

from budgetlint.record import named
from budgetlint.resources import cached, grammar_path

TYPE_CHECKING = False  # typing is not imported on the check path
if TYPE_CHECKING:
    from typing import Any

FORMAT = 4  # bump when the cached layout changes


class Token(str):
    """A terminal: the text, its type and its offsets (the subset of lark.Token the readers use).
    LalrParser.parse makes them with str.__new__ and sets the three (no Python-level __new__ a token)."""

    __slots__ = ("type", "start_pos", "end_pos")
    type: str
    start_pos: int
    end_pos: int


@named
class Meta:
    start_pos: int
    end_pos: int


@named
class Node:
    """A rule match (the subset of lark.Tree the readers use)."""

    data: str
    children: list
    meta: Meta


class ParseError(ValueError):
    pass


# ---------------------------------------------------------------- derivation (lark, once)
def _derive(text: str, options: dict[str, Any]) -> dict[str, Any]:
    from lark import Lark

    parser = Lark(text, parser="lalr", lexer="contextual", **options)
    terminals: list[dict[str, Any]] = [
        {
            "name": t.name,
            "pattern": t.pattern.to_regexp(),
            "flags": sorted(t.pattern.flags),
            "priority": t.priority,
            "width": min(t.pattern.max_width, 2**31),
            "length": len(t.pattern.value),
            "string": t.pattern.value if t.pattern.type == "str" else None,
        }
        for t in parser.lexer_conf.terminals
    ]
    # Which string terminals each regex terminal of the same priority matches whole (lark's "unless"
    # rule below), worked out here once rather than by compiling every terminal at each start-up.
    strings = [t for t in terminals if t["string"] is not None]
    for regex in terminals:
        if regex["string"] is None:
            compiled = re.compile(regex["pattern"], _flags(regex["flags"]))
            regex["matches"] = [
                string["name"]
                for string in strings
                if string["priority"] == regex["priority"] and compiled.fullmatch(string["string"])
            ]
    table = parser.parser.parser.parser.parse_table
    rules: dict[Any, int] = {}
    rule_list: list[list[Any]] = []
    states: dict[str, dict[str, list[Any]]] = {}
    for state, actions in table.states.items():
        row = {}
        for symbol, (action, argument) in actions.items():
            if action.name == "Shift":
                row[str(symbol)] = [0, argument]
            else:
                if argument not in rules:
                    rules[argument] = len(rule_list)
                    rule_list.append([str(argument.origin.name), [str(symbol.name) for symbol in argument.expansion]])
                row[str(symbol)] = [1, rules[argument]]
        states[str(state)] = row
    return {
        "format": FORMAT,
        "terminals": terminals,
        "ignore": list(parser.lexer_conf.ignore),
        "rules": rule_list,
        "states": states,
        "start": table.start_states["start"],
        "end": table.end_states["start"],
    }


@lru_cache(maxsize=4)
def tables(name: str, **options: Any) -> dict[str, Any]:
    """The derived tables of grammar/NAME, from the cache when the grammar is unchanged."""
    text = grammar_path(name).read_text(encoding="utf-8")
    return cached(
        f"{name.split('.')[0]}-tables", f"{FORMAT}{sorted(options.items())}{text}", lambda: _derive(text, options)
    )


def _ordered(terminals: list[dict[str, Any]], accepts: set[str] | None) -> list[dict[str, Any]]:
    chosen = [t for t in terminals if accepts is None or t["name"] in accepts]
    # lark's order: priority, then the widest possible match, then the longest pattern text, then name
    return sorted(chosen, key=lambda t: (-t["priority"], -t["width"], -t["length"], t["name"]))


def _flags(names: list[str]) -> int:
    value = 0
    for name in names:
        value |= {"i": re.I, "m": re.M, "s": re.S, "u": re.U, "x": re.X, "l": re.L}.get(name, 0)
    return value


def _scanner(terminals: list[dict[str, Any]]) -> tuple[re.Pattern[str], dict[str, dict[str, str]]]:
    """The union regex of `terminals` (in order) and lark's "unless" table.

    Like lark, a string terminal that a regex terminal of the same priority also matches ("/" and
    OTHER: \\S) is left out of the union; a match of the regex terminal whose text is that string
    becomes the string terminal.
    """
    unless: dict[str, dict[str, str]] = {}
    embedded: set[str] = set()
    strings = {t["name"]: t for t in terminals if t.get("string") is not None}
    for regex in terminals:
        for name in regex.get("matches", ()):
            string = strings.get(name)
            if string is not None:  # both in this lexer's set
                unless.setdefault(regex["name"], {})[string["string"]] = string["name"]
                if set(string["flags"]) <= set(regex["flags"]):
                    embedded.add(string["name"])
    return _union([t for t in terminals if t["name"] not in embedded]), unless


def _union(terminals: list[dict[str, Any]]) -> re.Pattern[str]:
    parts = []
    for terminal in terminals:
        pattern = terminal["pattern"]
        if terminal["flags"]:
            pattern = f"(?{''.join(terminal['flags'])}:{pattern})"
        parts.append(f"(?P<{terminal['name']}>{pattern})")
    return re.compile("|".join(parts))


# ---------------------------------------------------------------- the table grammar: one token a line
class LineScanner:
    """Classifies one line by the table grammar's terminals, in lark's order (first match wins)."""

    def __init__(self, data: dict[str, Any]):
        terminals = [t for t in _ordered(data["terminals"], None) if t["name"] != "_NL"]
        self.pattern, self.unless = _scanner(terminals)

    def terminal(self, line: str) -> str | None:
        """The terminal of `line` (without its line end), or None when none matches."""
        match = self.pattern.match(line + "\n")
        if match is None:
            return None
        kind = match.lastgroup
        return self.unless[kind].get(match.group(), kind) if kind in self.unless else kind


# ---------------------------------------------------------------- the value grammar: LALR(1)
class LalrParser:
    """An LALR(1) driver with a contextual lexer over lark-derived tables; builds Node trees."""

    def __init__(self, data: dict[str, Any]):
        rules = data["rules"]
        nonterminals = {origin for origin, _ in rules}
        reductions = [_reduction(origin, expansion, nonterminals) for origin, expansion in rules]
        # state → symbol → the next state (a shift, or the goto of a rule) or the rule to reduce by
        self._actions: list[dict[str, Any]] = [{} for _ in range(1 + max(map(int, data["states"])))]
        for state, row in data["states"].items():
            self._actions[int(state)] = {
                symbol: argument if action == 0 else reductions[argument] for symbol, (action, argument) in row.items()
            }
        self.start = data["start"]
        self.end = data["end"]
        self.ignore = set(data["ignore"])
        self.terminals = data["terminals"]
        self._lexers: list[tuple[re.Pattern[str], dict[str, dict[str, str]]] | None] = [None] * len(self._actions)
        self._by_accepts: dict[frozenset[str], tuple[re.Pattern[str], dict[str, dict[str, str]]]] = {}

    def _lexer(self, state: int) -> tuple[re.Pattern[str], dict[str, dict[str, str]]]:
        accepts = frozenset(self._actions[state]) | self.ignore
        lexer = self._by_accepts.get(accepts)
        if lexer is None:
            lexer = self._by_accepts[accepts] = _scanner(_ordered(self.terminals, set(accepts)))
        self._lexers[state] = lexer
        return lexer

    def parse(self, text: str) -> Node:
        """The tree of `text`.  One loop, the tree built inline (on a real document, whose values are
        all different, reading them is much of the whole check): the current state is a local, and
        each rule is reduced by the shape of node it makes, most by rewriting the top of the stack.

        `values` holds the tree so far: tokens, nodes and the lists of an inlined rule's
        parts (rules named _x, and repetitions __x, are inlined into their parent, as lark does);
        `states` holds the state each value was shifted from.
        """
        actions = self._actions
        lexers = self._lexers
        ignore = self.ignore
        new: Any = tuple.__new__  # nodes made without their named tuples' Python-level __new__
        make_token = str.__new__
        inline = list  # the parts of an inlined rule (_part*) on their way into the parent's children
        states: list[int] = []
        values: list[Any] = []
        state = self.start
        position = 0
        length = len(text)
        while True:
            if position < length:
                pattern, unless = lexers[state] or self._lexer(state)
                match = pattern.match(text, position)
                if match is None or match.end() == position:
                    raise ParseError(f"unexpected character at {position}")
                end = match.end()
                kind = match.lastgroup or ""
                if kind in unless:
                    kind = unless[kind].get(match.group(), kind)
                if kind in ignore:
                    position = end
                    continue
                token = make_token(Token, match.group())
                token.type = kind
                token.start_pos = position
                token.end_pos = end
            else:
                kind = "$END"
                token = None
            while True:
                action = actions[state].get(kind)
                if type(action) is int:  # shift ($END never is: the end state, reached, accepts)
                    states.append(state)
                    values.append(token)
                    state = action
                    break
                if action is None:
                    if kind == "$END" and state == self.end:
                        return values[-1]
                    raise ParseError(f"unexpected {kind} at {position}")
                origin, size, shape, spread = action
                if shape == _WRAP:  # _part: measure
                    values[-1] = inline((values[-1],))
                elif shape == _LEAF:  # unit: WORD
                    child = values[-1]
                    values[-1] = new(Node, (origin, [child], new(Meta, (child.start_pos, child.end_pos))))
                elif shape == _OVER:  # text: comparator
                    child = values[-1]
                    values[-1] = new(Node, (origin, [child], child.meta))
                elif shape != _PASS:  # (__x: _part is its part's list already)
                    if size:
                        children = values[-size:]
                        del values[-size:]
                        del states[len(states) + 1 - size :]  # the first child's state stays: the node's
                    else:
                        children = []
                        states.append(state)
                    if spread:
                        # A left-recursive repetition (_part*) grows its first child by one part per
                        # reduction: that list is taken over, not copied (n parts would cost n² copies).
                        flat = children[0] if spread[0] == 0 else inline((children[0],))
                        for index in range(1, size):
                            if index in spread:
                                flat.extend(children[index])
                            else:
                                flat.append(children[index])
                    else:
                        flat = children
                    if shape == _INLINE:
                        values.append(flat)
                    elif flat:
                        first, last = flat[0], flat[-1]
                        values.append(
                            new(
                                Node,
                                (
                                    origin,
                                    flat,
                                    new(
                                        Meta,
                                        (
                                            first.start_pos if type(first) is Token else first.meta.start_pos,
                                            last.end_pos if type(last) is Token else last.meta.end_pos,
                                        ),
                                    ),
                                ),
                            )
                        )
                    else:
                        values.append(new(Node, (origin, flat, new(Meta, (0, 0)))))
                state = actions[states[-1]][origin]
            position = end


# How a reduction makes its value (see _reduction).
_WRAP, _PASS, _LEAF, _OVER, _INLINE, _NODE = range(6)


def _reduction(origin: str, expansion: list[str], nonterminals: set[str]) -> tuple[str, int, int, tuple[int, ...]]:
    """A rule as the driver reduces by it: its name, length, the shape of what it makes, and the
    positions of its inlined children (whose lists of parts are spread into its own).

    Shapes of one child rewrite the top of the stack in place: an inlined rule over one value
    (_WRAP: a list of it) or over an inlined rule (_PASS: that list), a node over a token (_LEAF)
    or over a node (_OVER: same span).  Other rules take their children off the stack and push
    a list (_INLINE) or a node (_NODE).
    """
    spread = tuple(index for index, symbol in enumerate(expansion) if symbol in nonterminals and symbol.startswith("_"))
    inline = origin.startswith("_")
    if len(expansion) == 1:
        if inline:
            return origin, 1, _PASS if spread else _WRAP, spread
        if not spread:
            return origin, 1, _OVER if expansion[0] in nonterminals else _LEAF, spread
    return origin, len(expansion), _INLINE if inline else _NODE, spread


@lru_cache(maxsize=1)
def line_scanner() -> LineScanner:
    return LineScanner(tables("table.lark"))


@lru_cache(maxsize=1)
def value_parser() -> LalrParser:
    return LalrParser(tables("value.lark", propagate_positions=True))
