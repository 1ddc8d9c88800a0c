"""Text normalisation shared by the reader and the checks: full-width forms, labels, widths."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Full-width ASCII (！ to ～) maps to ASCII by a fixed offset; the ideographic space to a space.
_FULLWIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}
_FULLWIDTH[0x3000] = 0x20
_VALUE_EXTRA = str.maketrans(
    {
        "，": "、",  # a list's separator; it groups the digits of a number only in a cell of that number alone
        "；": ";",
        "：": ":",
        "（": "(",
        "）": ")",
        "—": "-",
        "–": "-",
        "－": "-",
        "−": "-",  # the minus sign of U+2212
        "～": "~",
        "〜": "~",
        "．": ".",
        "％": "%",
    }
)
# What normalize_value maps, as one table (the signs above are ASCII, which _FULLWIDTH leaves alone).
_VALUE_TABLE = {**_FULLWIDTH, **_VALUE_EXTRA}


def _mapped(table: dict[int, int]) -> re.Pattern[str]:
    """The class of the characters a translation table changes."""
    return re.compile("[" + "".join(re.escape(chr(code)) for code in sorted(table)) + "]")


_FULLWIDTH_MAPPED = _mapped(_FULLWIDTH)
_VALUE_MAPPED = _mapped(_VALUE_TABLE)
_LABEL_DROP = re.compile(r"[\s\u3000:：]+")
_LEAD_QIZHONG = re.compile(r"^(?:其中[:：]?\s*)+")


def _translate(text: str, table: dict[int, int], mapped: re.Pattern[str]) -> str:
    """`text.translate(table)`, done only when `mapped` finds a character to change: str.translate looks
    every character of a CJK text up in the dict, each miss raising and clearing a KeyError inside
    CPython (~400 instructions a character), and most texts have nothing to map."""
    return text.translate(table) if mapped.search(text) is not None else text


def halfwidth(text: str) -> str:
    """Full-width digits, letters and ASCII punctuation to their half-width forms."""
    return _translate(text, _FULLWIDTH, _FULLWIDTH_MAPPED)


def normalize_value(text: str) -> str:
    """The form a value is parsed in: half-width digits and signs, CJK punctuation unified."""
    return _translate(text, _VALUE_TABLE, _VALUE_MAPPED).strip()


@lru_cache(maxsize=8192)
def normalize_label(text: str) -> str:
    """The form a label is compared in: no blanks, no colons, half-width brackets, no leading 其中."""
    text = halfwidth(text).replace("（", "(").replace("）", ")")
    text = _LEAD_QIZHONG.sub("", text.strip())
    return _LABEL_DROP.sub("", text)


def squeeze(text: str) -> str:
    """Remove every blank (PDF extraction puts blanks inside words: '中央 资金')."""
    return "".join(text.split())


def display_width(text: str) -> int:
    """Columns the text takes in a monospaced terminal: CJK and full-width forms count two."""
    if text.isascii():
        return len(text)
    width = 0
    for char in text:
        if unicodedata.combining(char):
            continue
        width += 2 if unicodedata.east_asian_width(char) in "WF" else 1
    return width


# An HTML tag pasted from a web form into a cell (<p>, </span>, <br/>).
HTML_TAG = re.compile(r"</?[a-zA-Z][a-zA-Z0-9]*(?:\s[^<>]*)?/?>")


def blank_tags(text: str) -> str:
    """`text` with each HTML tag blanked out, offsets kept (most texts have no "<": no regex pass)."""
    return HTML_TAG.sub(lambda m: " " * len(m.group()), text) if "<" in text else text
