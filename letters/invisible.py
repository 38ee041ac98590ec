"""Invisible characters out of what people type: format characters (Unicode Cf) and control characters."""

import re
import sys
import unicodedata
from functools import cache

# Zero-width non-joiner and joiner shape the letters either side of them (Persian, the Indic scripts, emoji
# such as 👩‍👧), so between two visible characters they stay; anywhere else they hide nothing but tricks.
JOINERS = frozenset("\u200c\u200d")


def _visible(char: str) -> bool:
    """True for a character that shows: not a format or control character, not white space."""
    return not char.isspace() and unicodedata.category(char) not in ("Cf", "Cc")


def strip_invisible(text: str, keep: str = "\n\t") -> str:
    """TEXT without format characters (zero-width spaces, bidi overrides, BOMs...) and control characters.

    The Unicode categories are Cf and Cc (https://www.unicode.org/reports/tr44/#General_Category_Values);
    KEEP names control characters that stay (line breaks and tabs in a letter), and joiners between two
    visible characters stay.
    """
    kept = []
    for index, char in enumerate(text):
        category = unicodedata.category(char)
        if category == "Cc" and char not in keep:
            continue
        if category == "Cf":
            between_visible = 0 < index < len(text) - 1 and _visible(text[index - 1]) and _visible(text[index + 1])
            if not (char in JOINERS and between_visible):
                continue
        kept.append(char)
    return "".join(kept)


@cache
def _format_characters() -> re.Pattern[str]:
    """One character class of every format character (Unicode Cf) but the two joiners (built once, ~0.15 s)."""
    ranges: list[list[int]] = []
    for point in range(sys.maxunicode + 1):
        if unicodedata.category(chr(point)) == "Cf" and chr(point) not in JOINERS:
            if ranges and ranges[-1][1] == point - 1:
                ranges[-1][1] = point
            else:
                ranges.append([point, point])
    return re.compile("[" + "".join(f"{re.escape(chr(a))}-{re.escape(chr(b))}" for a, b in ranges) + "]")


def strip_format_characters(text: str) -> str:
    """TEXT without format characters (bidi overrides, zero-width spaces, BOMs...), in one regular-expression
    pass, for texts too long for strip_invisible's walk (an emailed letter of megabytes). The joiners stay
    wherever they are: they shape Persian, the Indic scripts and emoji."""
    return _format_characters().sub("", text)
