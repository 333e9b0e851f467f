"""Bytes to text: byte-order marks, UTF-8, then charset-normalizer for the legacy code pages
scrapers still produce (cp1256 Arabic, Latin-1 French, KOI8-R Russian), and a refusal for files
that are not text at all.
"""
from __future__ import annotations

import codecs

from charset_normalizer import from_bytes

# Enough to judge an encoding: charset-normalizer's own default sample is smaller.
SAMPLE_BYTES = 256 * 1024

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_MAGIC = (
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"%PDF", "a PDF document"),
    (b"PK\x03\x04", "a ZIP archive (or a Word/Excel file)"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"\x7fELF", "a program"),
    (b"SQLite format 3", "an SQLite database"),
    (b"\xd0\xcf\x11\xe0", "an old Word/Excel file"),
)
# Measured on the sample corpus's Latin-1 page: cp1252 0.004, cp775 0.006, cp850 0.089.
CHAOS_TOLERANCE = 0.01
_COMMON_LEGACY = ("cp1252", "cp1256", "cp1251", "cp1255", "cp1254", "cp1253", "koi8_r", "gb18030", "big5",
                  "shift_jis", "euc_kr", "cp1250")
# Text has almost no control characters; a file where they are common is binary whatever its name.
MAX_CONTROL_SHARE = 0.10
# UTF-16 without a byte-order mark (saved so by some Windows tools) puts a NUL in the high byte of
# every ASCII character: Latin text has NULs in nearly every other byte, Arabic or Cyrillic text
# still in the high byte of each space, digit and line break (about one character in six). A tenth
# of one byte position being NUL, and four times fewer NULs in the other, marks the candidate.
UTF16_MIN_NUL_SHARE = 0.10
UTF16_NUL_RATIO = 4
# ...and the candidate is only taken if nearly all of it then reads as text: 16-bit binary data
# decodes to control characters and unassigned code points.
UTF16_MIN_TEXT_SHARE = 0.95


class NotText(ValueError):
    """The bytes are not text in any encoding."""


def _looks_binary(sample: bytes) -> str | None:
    for magic, what in _MAGIC:
        if sample.startswith(magic):
            return f"binary file ({what}), not text"
    if not sample:
        return None
    controls = sum(1 for b in sample if b < 32 and b not in (9, 10, 13, 12, 0))
    nuls = sample.count(0)
    # NUL bytes scattered in text are damage we repair; a file that is mostly NULs or control codes is not text.
    if (controls + nuls) / len(sample) > MAX_CONTROL_SHARE:
        return "binary file (mostly control bytes), not text"
    return None


def _utf16_without_bom(sample: bytes) -> str | None:
    """"utf-16-le" or "utf-16-be" when the sample is UTF-16 text without a byte-order mark."""
    pairs = len(sample) // 2
    if pairs < 8:
        return None
    even_nuls, odd_nuls = sample[0:2 * pairs:2].count(0), sample[1:2 * pairs:2].count(0)
    for name, high, low in (("utf-16-le", odd_nuls, even_nuls), ("utf-16-be", even_nuls, odd_nuls)):
        if high < UTF16_MIN_NUL_SHARE * pairs or high < UTF16_NUL_RATIO * low:
            continue
        try:
            # A sample may end inside a surrogate pair: not final.
            text = codecs.getincrementaldecoder(name)().decode(sample[:2 * pairs], final=False)
        except UnicodeDecodeError:
            return None
        textual = sum(1 for ch in text if ch.isprintable() or ch in "\t\n\r\f")
        return name if text and textual >= UTF16_MIN_TEXT_SHARE * len(text) else None
    return None


def detect_encoding(sample: bytes) -> str:
    """Name the encoding of a file from its first bytes. Raises NotText for binary data."""
    for bom, name in _BOMS:
        if sample.startswith(bom):
            return name
    # Before the binary check: UTF-16's NULs would count as binary bytes.
    utf16 = _utf16_without_bom(sample)
    if utf16:
        return utf16
    problem = _looks_binary(sample)
    if problem:
        raise NotText(problem)
    try:
        # A sample cut inside a multi-byte character is still UTF-8: allow up to 3 missing bytes.
        codecs.getincrementaldecoder("utf-8")().decode(sample, final=False)
        return "utf-8"
    except UnicodeDecodeError:
        pass
    matches = from_bytes(sample.replace(b"\x00", b""))
    best = matches.best()
    if best is None:
        raise NotText("not text in any known encoding")
    # Legacy single-byte pages often read almost equally well in several code pages (a French page
    # with few accents in cp775, cp1250 or cp1252). Among the least garbled readings, the code page
    # the world's sites actually used wins, as in browsers; cp1250 would turn "è" into "č".
    least = min(m.chaos for m in matches)
    close = [m.encoding for m in matches if m.chaos <= least + CHAOS_TOLERANCE]
    return next((name for name in _COMMON_LEGACY if name in close), best.encoding)


def decode(data: bytes) -> tuple[str, str, int]:
    """Decode a whole document. Returns ``(text, encoding, nul_bytes_removed)``."""
    encoding = detect_encoding(data[:SAMPLE_BYTES])
    text = data.decode(encoding, errors="replace")
    nuls = text.count("\x00")
    if nuls:
        text = text.replace("\x00", "")
    if text.startswith("\ufeff"):
        text = text[1:]
    return text, encoding, nuls
