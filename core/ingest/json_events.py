"""JSON values read in bounded memory and time, for exports that may be hostile.

``json.loads`` recurses once per nesting level (a line nested 5,000 levels deep raises
RecursionError), and ijson's ``parse``/``items`` carry a prefix string per event
("item.item.item..."), so memory grows with the square of the depth (a 200 KB list holding one
deep item took 23.8 GB). Here values are built from ijson's ``basic_parse`` events, which carry
no prefix, with an explicit stack: a value nested deeper than ``MAX_JSON_DEPTH`` or larger than its
budget is skipped by counting events, never built, and the stream stays in step for the next one.

yajl, ijson's C parser, holds a whole string token before handing it over, and its buffering is
quadratic in time (one 25 MB string: 1.4 s, 50 MB: 7.6 s, 200 MB: 89 s, measured here).
``GuardedSource`` therefore cuts any string longer than the record limit before yajl sees the
rest of it, and marks the cut so the value holding it is rejected.
"""
from __future__ import annotations

import json

import ijson

# News exports are a few levels deep: NewsAPI 3 (response, articles, source), Elasticsearch dumps
# 5 (hits.hits[]._source), social-media API payloads about 8. 64 is eight times that, and far
# below Python's recursion limit (1,000), which str() of a value, pandas and json still use.
MAX_JSON_DEPTH = 64
# yajl refuses integers beyond 64 bits and Python integers beyond 4,300 digits; a longer run of
# digits only exists to make the parser buffer it (quadratic time, as for strings).
MAX_NUMBER_CHARS = 4300
# A Unicode noncharacter (no text contains one) put where an over-long string was cut.
TRUNCATION_MARK = "\ufdd0"
_MARK_ESCAPE = b"\\ufdd0"
_NUMBER_BYTES = b"0123456789+-.eE"
# The longest escape is a surrogate pair (12 bytes); a cut point that splits neither it nor a
# UTF-8 character is always found within twice that.
_LONGEST_ESCAPE = 12
_CUT_WINDOW = 24
_STARTS = frozenset(("start_map", "start_array"))
_ENDS = frozenset(("end_map", "end_array"))


class Rejected(ValueError):
    """One value cannot be taken (too deep, too large); it was skipped and the stream is in step."""


class Unreadable(ValueError):
    """The stream cannot be read further (a number of thousands of digits)."""


def error_reason(err: Exception) -> str:
    """ijson's message on one line: its first line names the problem, the rest draws an arrow."""
    first = str(err).split("\n", 1)[0]
    return " ".join(first.split())[:200] or type(err).__name__


def decode_error(err: json.JSONDecodeError) -> str:
    """``json``'s message and position as one phrase. Some of its messages end in "at" and expect
    the position to follow ("Unterminated string starting at"); the others do not."""
    where = f"column {err.colno}" if err.lineno == 1 else f"line {err.lineno}, column {err.colno}"
    return f"{err.msg} {where}" if err.msg.endswith(" at") else f"{err.msg} at {where}"


class Budget:
    """How many characters a value may still take (strings and keys by length, other scalars 8)."""

    def __init__(self, chars: int):
        self.limit = self.left = chars

    def describe(self) -> str:
        return size_text(self.limit)


def size_text(size: int) -> str:
    """A size for a message: "20 MB", "20.2 MB", "4 KB"."""
    if size < 2**20:
        return f"{size / 1024:.0f} KB"
    return f"{size / 2**20:.1f}".removesuffix(".0") + " MB"


def build(events, event: str, value, *, max_depth: int, budget: Budget):
    """The value that starts with ``(event, value)``, taking its remaining events from ``events``.

    Raises Rejected after consuming the rest of the value when it nests deeper than
    ``max_depth`` containers, spends more than ``budget``, or holds a string that
    ``GuardedSource`` cut."""
    if event not in _STARTS:
        return _scalar(event, value, budget, events, open_containers=0)
    root = {} if event == "start_map" else []
    containers: list = [root]
    key = None
    for event, value in events:
        if event == "map_key":
            key = _scalar("string", value, budget, events, len(containers))
        elif event in _STARTS:
            if len(containers) >= max_depth:
                skip(events, len(containers) + 1)
                raise Rejected(f"nested deeper than {max_depth} levels")
            child = {} if event == "start_map" else []
            _put(containers[-1], key, child)
            containers.append(child)
        elif event in _ENDS:
            containers.pop()
            if not containers:
                return root
        else:
            _put(containers[-1], key, _scalar(event, value, budget, events, len(containers)))
    raise ijson.IncompleteJSONError("premature EOF")


def _put(container, key, value) -> None:
    if type(container) is dict:
        container[key] = value
    else:
        container.append(value)


def _scalar(event: str, value, budget: Budget, events, open_containers: int):
    spent = len(value) if event == "string" else 8
    if event == "string" and value.endswith(TRUNCATION_MARK):
        skip(events, open_containers)
        raise Rejected(f"holds a text longer than {budget.describe()}: one article is never that long")
    budget.left -= spent
    if budget.left < 0:
        skip(events, open_containers)
        raise Rejected(f"larger than {budget.describe()}: one article is never that long")
    return value


def skip(events, open_containers: int) -> None:
    """Consume events until ``open_containers`` open containers have closed: memory stays flat
    however deep or long the skipped part is."""
    depth = open_containers
    if depth == 0:
        return
    for event, _ in events:
        if event in _STARTS:
            depth += 1
        elif event in _ENDS:
            depth -= 1
            if depth == 0:
                return
    raise ijson.IncompleteJSONError("premature EOF")


def parse_line(line: str, max_depth: int = MAX_JSON_DEPTH):
    """One JSON Lines line. A line can only nest as deep as it has opening brackets: most lines
    have fewer than ``max_depth`` and go straight to ``json.loads`` (C speed); the others are
    first measured from ijson's events, stopping at the first level too deep.

    Raises Rejected (too deep), json.JSONDecodeError (not JSON) or ValueError (an integer of
    more than 4,300 digits)."""
    if line.count("{") + line.count("[") > max_depth:
        depth = 0
        try:
            for event, _ in ijson.basic_parse(line.encode("utf-8", "replace")):
                if event in _STARTS:
                    depth += 1
                    if depth > max_depth:
                        raise Rejected(f"nested deeper than {max_depth} levels")
                elif event in _ENDS:
                    depth -= 1
        except ijson.JSONError:
            pass  # not JSON up to some point, within the depth: json.loads below says where
    try:
        return json.loads(line)
    except RecursionError:
        # json accepts NaN and Infinity, which yajl stops at: a line deep past one of them.
        raise Rejected(f"nested deeper than {max_depth} levels") from None


class GuardedSource:
    """A byte stream for ijson that no string longer than ``max_string_bytes`` and no number
    longer than ``MAX_NUMBER_CHARS`` gets through whole.

    Whether a byte is inside a string depends only on the unescaped quotes before it, so it is
    tracked chunk by chunk with bytes methods (C speed). An over-long string is cut at a point that
    splits neither an escape nor a UTF-8 character, ends with ``TRUNCATION_MARK``, and its
    remaining bytes are dropped up to its closing quote: the JSON stays valid, the value holding it
    is rejected by ``build`` and the values after it are read as usual."""

    def __init__(self, raw, max_string_bytes: int):
        self.raw = raw
        self.max_string = max_string_bytes
        self.in_string = False
        self.escaped = False  # the next chunk's first byte is escaped by this chunk's last backslash
        self.passed = 0  # bytes of the current string passed on
        self.dropping = False
        self.number_run = 0
        self.saw_content = False

    def read(self, size: int = -1) -> bytes:
        while True:
            chunk = self.raw.read(size)
            if not chunk:
                return b""
            out = self._filter(chunk)
            if out:  # an empty answer would read as the end of the file
                return out

    def close(self) -> None:
        getattr(self.raw, "close", lambda: None)()

    def _filter(self, chunk: bytes) -> bytes:
        pieces = []
        start, end = 0, len(chunk)
        while start < end:
            if not self.in_string:
                quote = chunk.find(b'"', start)
                stop = end if quote < 0 else quote
                self._check_number(chunk[start:stop])
                if quote < 0:
                    pieces.append(chunk[start:])
                    break
                pieces.append(chunk[start:quote + 1])
                self.in_string, self.passed, self.escaped, self.number_run = True, 0, False, 0
                self.saw_content = True
                start = quote + 1
                continue
            closing = self._closing_quote(chunk, start)
            stop = end if closing < 0 else closing
            if not self.dropping:
                room = self.max_string - self.passed
                target = start + room
                if start == 0:
                    # A string continued from the last chunk may begin with the end of an escape
                    # or of a UTF-8 character: never cut within its first bytes.
                    target = max(target, 2 * _CUT_WINDOW)
                if stop - start > room and target < stop:
                    cut = self._safe_cut(chunk, start, target)
                    pieces += [chunk[start:cut], _MARK_ESCAPE]
                    self.dropping = True
                else:
                    pieces.append(chunk[start:stop])
                    self.passed += stop - start
            if closing < 0:
                break
            pieces.append(b'"')
            self.in_string = self.dropping = False
            start = closing + 1
        return b"".join(pieces)

    def _check_number(self, outside: bytes) -> None:
        if not outside:
            return
        if outside.strip():
            self.saw_content = True
        rest = outside.rstrip(_NUMBER_BYTES)
        tail = len(outside) - len(rest)
        self.number_run = self.number_run + tail if not rest else tail
        if self.number_run > MAX_NUMBER_CHARS:
            raise Unreadable(f"a number of more than {MAX_NUMBER_CHARS:,} digits")

    def _escaped_at(self, chunk: bytes, start: int, pos: int) -> bool:
        """Whether the byte at ``pos`` is escaped: an odd run of backslashes before it, counting
        one more if the run reaches the chunk's start and the last chunk ended on an escape."""
        window = max(start, pos - 64)
        run = pos - window - len(chunk[window:pos].rstrip(b"\\"))
        if run == pos - window and window > start:
            run = pos - start - len(chunk[start:pos].rstrip(b"\\"))
        if run == pos - start and start == 0 and self.escaped:
            run += 1
        return run % 2 == 1

    def _closing_quote(self, chunk: bytes, start: int) -> int:
        """Index of the quote that closes the current string, or -1 (then remember whether the
        chunk ends inside an escape)."""
        search = start
        while True:
            quote = chunk.find(b'"', search)
            if quote < 0:
                self.escaped = self._escaped_at(chunk, start, len(chunk))
                return -1
            if not self._escaped_at(chunk, start, quote):
                return quote
            search = quote + 1

    def _safe_cut(self, chunk: bytes, start: int, target: int) -> int:
        """The highest position at or below ``target`` that splits no UTF-8 character and no escape
        (``\\n`` is 2 bytes, ``\\u0431`` 6, a surrogate pair ``\\ud834\\udd1e`` 12); one is
        always found within ``_CUT_WINDOW`` bytes."""
        lowest = max(start, target - _CUT_WINDOW, _LONGEST_ESCAPE if start == 0 else start)
        for pos in range(target, lowest, -1):
            if chunk[pos] & 0xC0 == 0x80:
                continue
            inside = False
            for at in range(max(start, pos - _LONGEST_ESCAPE + 1), pos):
                if chunk[at] == 0x5C and not self._escaped_at(chunk, start, at):
                    inside = inside or pos < at + _escape_length(chunk, at)
            if not inside:
                return pos
        return lowest


def _escape_length(chunk: bytes, at: int) -> int:
    """Bytes of the escape starting at ``at``: a high surrogate needs its low half after it."""
    if chunk[at + 1:at + 2] != b"u":
        return 2
    return 12 if chunk[at + 2:at + 4].lower() in (b"d8", b"d9", b"da", b"db") else 6
