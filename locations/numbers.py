"""Numbers in route cells as the sheet's locale writes them: 52,52437 and 1.200.000 in German, 1 200 000.

Babel's strict parser decides (CLDR's decimal mark and group separator for the locale, groups of three);
a group separator written as a space, a no-break space or a narrow no-break space is read as the
locale's own. Plain integers, plain decimals and whole numbers grouped in threes by one separator skip
Babel (about 50 microseconds a call): they read the same either way, and a 10,000-stop route must check
in well under a second.
"""

import re
from decimal import Decimal
from functools import cache

from babel import Locale, UnknownLocaleError
from babel.numbers import NumberFormatError, format_decimal, get_decimal_symbol, get_group_symbol, parse_decimal

# Space, no-break space, narrow no-break space, thin space: the separators sheets and word processors use.
_SPACES = " \u00a0\u202f\u2009"
_SPACE_GROUP = re.compile(f"(?<=\\d)[{_SPACES}](?=\\d{{3}}(?:\\D|$))")
_INTEGER = re.compile(r"[+-]?\d+", re.ASCII)
_POINT_DECIMAL = re.compile(r"[+-]?\d+\.\d+", re.ASCII)
_COMMA_DECIMAL = re.compile(r"[+-]?\d+,\d+", re.ASCII)


def is_known_locale(locale: str) -> bool:
    """Whether Babel (CLDR) knows a locale such as 'de_DE', 'fr_FR' or Google's 'es_419'."""
    try:
        Locale.parse(locale)
    except (UnknownLocaleError, ValueError, TypeError):
        return False
    return True


@cache
def _grouped_integer(group: str) -> re.Pattern[str]:
    """Whole numbers grouped in threes by GROUP or any space-like separator: 1,200,000 / 1.200.000 / 1 200 000."""
    separators = re.escape(group) + _SPACES
    return re.compile(f"[+-]?\\d{{1,3}}(?:[{separators}]\\d{{3}})+", re.ASCII)


@cache
def number_symbols(locale: str) -> tuple[str, str]:
    """(decimal mark, group separator) of a Babel locale: ('.', ',') for en_US, (',', '.') for de.

    Raises babel.UnknownLocaleError for a locale CLDR does not know.
    """
    return get_decimal_symbol(locale), get_group_symbol(locale)


def parse_number(text: str, locale: str) -> Decimal | None:
    """A finite number written as LOCALE writes numbers, strictly (groups of three); None when it is not one."""
    value = text.strip()
    if not value:
        return None
    decimal_mark, group = number_symbols(locale)
    if _INTEGER.fullmatch(value):
        return Decimal(value)
    if decimal_mark == "." and _POINT_DECIMAL.fullmatch(value):
        return Decimal(value)
    if decimal_mark == "," and _COMMA_DECIMAL.fullmatch(value):
        return Decimal(value.replace(",", "."))
    if _grouped_integer(group).fullmatch(value) and len(set(value) - set("+-0123456789")) == 1:
        return Decimal(re.sub(r"[^\d+-]", "", value))
    if group not in value:
        value = _SPACE_GROUP.sub(group, value)
    try:
        number = parse_decimal(value, locale=locale, strict=True)
    except NumberFormatError:
        return None
    return number if number.is_finite() else None


def parse_coordinate(text: str, locale: str) -> float | None:
    """Decimal degrees as LOCALE writes them, or with a decimal point in any locale; None when neither.

    A point cannot be a group separator in a coordinate (a grouped value is 1,000 or more, outside ±180),
    so 52.52437 pasted into a German sheet means what it says.
    """
    value = text.strip()
    if _POINT_DECIMAL.fullmatch(value):
        return float(value)
    number = parse_number(value, locale)
    return None if number is None else float(number)


def example_number(number: float, locale: str) -> str:
    """NUMBER written as LOCALE writes it, for messages: 52,52437 in German, 1,200,000 in US English."""
    return format_decimal(number, locale=locale, decimal_quantization=False)
