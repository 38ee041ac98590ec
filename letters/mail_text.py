"""Text from an email's bytes as the writer meant it: mislabelled charsets repaired, control characters gone."""

import codecs
import re
from email.header import decode_header
from functools import lru_cache

from charset_normalizer import from_bytes

from letters.invisible import strip_format_characters

# Labels that mail clients, like browsers, read as windows-1252 (WHATWG Encoding Standard, "windows-1252"
# labels: https://encoding.spec.whatwg.org/#names-and-labels).
WINDOWS_1252_LABELS = {"ascii", "us-ascii", "latin-1", "latin_1", "iso8859-1", "iso-8859-1", "l1", "cp819"}
# C0 controls but tab and line feed, DEL, and C1 controls: never part of a letter (a NUL breaks PostgreSQL).
CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
# What clean_text changes, in one pass (a 10 MB letter is copied once, not three times): line ends and controls.
LINE_ENDS_AND_CONTROLS = re.compile("\r\n?|[\x00-\x08\x0b-\x1f\x7f-\x9f]")
SURROGATE_ESCAPES = re.compile("[\udc80-\udcff]")


def clean_text(text: str) -> str:
    """TEXT with CR LF and lone CR as LF, and control characters (C0 but tab and LF, DEL, C1) and format
    characters (bidi overrides, zero-width spaces: letters.invisible) removed, as the letter form removes them."""
    return strip_format_characters(
        LINE_ENDS_AND_CONTROLS.sub(lambda match: "\n" if match.group()[0] == "\r" else "", text)
    )


def one_line(text: str, limit: int) -> str:
    """TEXT on one line for a header or field: controls gone, whitespace runs one space, at most LIMIT chars."""
    return " ".join(clean_text(text).split())[:limit]


@lru_cache(maxsize=64)
def _codec(label: str | None) -> str | None:
    """Python's name for a charset label, None when Python does not know it."""
    try:
        return codecs.lookup(label).name if label else None
    except LookupError:
        return None


@lru_cache(maxsize=64)
def _single_byte(codec: str) -> bool:
    """True for charsets with one byte per character (latin-1, windows-125x, koi8...), where UTF-8 rarely fits."""
    return codec != "utf-8" and len(bytes(range(0x80, 0x100)).decode(codec, errors="replace")) == 128


def _fits(data: bytes, codec: str) -> str | None:
    """DATA decoded with CODEC, None when the bytes do not fit it."""
    try:
        return data.decode(codec)
    except (UnicodeDecodeError, LookupError):
        return None


def _western_or_detected(data: bytes) -> str | None:
    """DATA with no charset named: windows-1252, unless charset-normalizer finds a charset that reads it cleaner.

    charset-normalizer alone guesses wrong on a short line ("Cher Père Noël" came out as Big5, "¡gracias!" as
    windows-1250's "ˇgracias!"); unlabelled 8-bit mail is mostly from Western mail programs, which is why
    browsers and mail clients read it as windows-1252 (WHATWG's default). A reading with less mess than
    windows-1252's (KOI8-R, Shift_JIS, windows-1251...) still wins.
    """
    best = from_bytes(data).best()
    western = from_bytes(data, cp_isolation=["cp1252"]).best()
    if western is not None and (best is None or western.chaos <= best.chaos):
        return str(western)
    return str(best) if best is not None else None


def decoded_text(data: bytes, label: str | None) -> str:
    """DATA as text, decoded as text_from_bytes says, with nothing removed (control characters stay)."""
    if data.isascii():
        return data.decode("ascii")
    codec = _codec(label)
    if codec is None or codec == "ascii" or _single_byte(codec):
        text = _fits(data, "utf-8")
        if text is not None:
            return text
    if not label:
        text = _western_or_detected(data)
        if text is not None:
            return text
    if (label or "").lower() in WINDOWS_1252_LABELS or codec in ("ascii", "latin-1"):
        codec = "cp1252"
    text = _fits(data, codec) if codec else None
    if text is None:
        best = from_bytes(data).best()
        text = str(best) if best is not None else _fits(data, "cp1252")
    if text is None:
        text = data.decode("latin-1")
    return text


def text_from_bytes(data: bytes, label: str | None) -> str:
    """DATA as text: in its labelled charset when the bytes fit it, else in the charset the bytes say.

    Plain ASCII is ASCII whatever the label. UTF-8 bytes under a single-byte label (us-ascii, iso-8859-1,
    windows-1251...) or under no label are UTF-8: that mislabelling is common and the reverse practically
    never decodes. A us-ascii or iso-8859-1 label on other bytes is read as windows-1252, as browsers and
    mail clients do; so is 8-bit text with no label, unless charset-normalizer finds a charset that reads it
    with less mess. Otherwise charset-normalizer detects the charset; windows-1252, then Latin-1, are the
    last resort, so no byte becomes U+FFFD. Control characters are removed afterwards.
    """
    return clean_text(decoded_text(data, label))


def header_text(raw: str, fallback_label: str | None = None) -> str:
    """A header's raw value as one line of text: RFC 2047 encoded words decoded, each in the charset it fits.

    Raw 8-bit bytes (some clients send them instead of encoded words) arrive from the parser as surrogate
    escapes; they are read as FALLBACK_LABEL says (the message's own charset), repaired as text_from_bytes does.
    """
    if SURROGATE_ESCAPES.search(raw):
        raw = text_from_bytes(raw.encode("ascii", "surrogateescape"), fallback_label)
    try:
        chunks = decode_header(raw)
    except (ValueError, IndexError, AssertionError):
        chunks = [(raw, None)]
    words = [text_from_bytes(chunk, label) if isinstance(chunk, bytes) else chunk for chunk, label in chunks]
    return " ".join(clean_text("".join(words)).split())
