"""The registry of followed sources: what a user types checked and made canonical (``check``), and
sources added, edited, paused and removed (``add``, ``edit``, ``remove``). A source is named by its
id, its URL or its name (``find``). Rows are stored by ``core.store.source_registry``; removing a
source removes its row only, never the articles it brought in.
"""
from __future__ import annotations

import dataclasses
import functools
import re
import urllib.parse

import pandas as pd
import sqlalchemy as sa

from core import languages
from core.errors import InputError
from core.store import source_registry
from core.store.source_registry import DuplicateUrl, Source

KINDS = ("rss", "atom", "sitemap", "page")
# GDELT refreshes every 15 minutes and news feeds rarely change faster: a quarter of an hour keeps
# a laptop following hundreds of feeds without hammering any of them.
DEFAULT_INTERVAL_SECONDS = 900
# Below a minute a poll is closer to a denial of service than to monitoring, and most sites' robots
# and rate limits would refuse it anyway.
MIN_INTERVAL_SECONDS = 60
MAX_INTERVAL_SECONDS = 7 * 86400  # a weekly bulletin is the slowest thing worth following
NAME_CHARACTERS = 200
NOTES_CHARACTERS = 4000
STATE_AFFILIATED = {"yes": True, "true": True, "1": True, "no": False, "false": False, "0": False,
                    "unknown": None, "": None}
# CLDR territories that are groupings, pseudo-regions or "unknown" (ZZ), not countries an outlet sits in. XK
# (Kosovo, user-assigned in ISO 3166 but used by CLDR and the EU) stays.
_NOT_COUNTRIES = frozenset({"EU", "EZ", "UN", "QO", "XA", "XB", "ZZ"})
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


@dataclasses.dataclass(frozen=True)
class SourceDetails:
    """What a user says of a source. For ``add`` a field left None takes its default; for ``edit``
    it is left as it was, and "" clears it. ``state_affiliated`` is yes / no / unknown (or a bool)."""
    url: str | None = None
    name: str | None = None
    kind: str | None = None
    country: str | None = None
    language: str | None = None
    owner: str | None = None
    state_affiliated: str | bool | None = None
    notes: str | None = None
    interval_seconds: int | str | None = None


@dataclasses.dataclass(frozen=True)
class Checked:
    """Column values ready to store, and what was decided for the user (one line each)."""
    values: dict
    notes: tuple[str, ...] = ()


@dataclasses.dataclass(frozen=True)
class Added:
    source: Source
    notes: tuple[str, ...]
    updated: bool  # the URL was followed already and its details were changed

    def describe(self) -> str:
        done = "updated" if self.updated else "added"
        return f"{done} source {self.source.source_id}: {self.source.name} ({self.source.kind}, {self.source.url})"


def check(details: SourceDetails, *, for_edit: bool = False) -> Checked:
    """The details as the table stores them; ``InputError`` naming the URL (or the source) and
    every problem at once."""
    values, notes, problems = {}, [], []
    given = {field.name: getattr(details, field.name) for field in dataclasses.fields(details)
             if getattr(details, field.name) is not None}
    if not for_edit and "url" not in given:
        problems.append("a URL is needed")
    if "url" in given:
        try:
            values["url"] = canonical_url(str(given["url"]))
        except ValueError as err:
            problems.append(str(err))
    for field in ("name", "owner"):
        if field in given:
            values[field] = _one_line(given[field], NAME_CHARACTERS, field, problems)
    if "notes" in given:
        values["notes"] = _CONTROL.sub("", str(given["notes"])).strip()[:NOTES_CHARACTERS] or None
    if for_edit and values.get("name", "x") is None:
        problems.append("a source's name cannot be empty")
    if "kind" in given and str(given["kind"]).strip():
        kind = str(given["kind"]).strip().lower()
        if kind in KINDS:
            values["kind"] = kind
        else:
            problems.append(f"kind {given['kind']!r} is not one of {', '.join(KINDS)}")
    if "country" in given:
        values["country"] = _code(given["country"], _countries(), "country", "an ISO 3166-1 alpha-2 code such as "
                                  "RU, UA, US or an English name", problems, upper=True)
    if "language" in given:
        values["language"] = _code(given["language"], _languages(), "language", "an ISO 639-1 code such as ru, "
                                   "uk, en or an English name", problems, upper=False)
    if "state_affiliated" in given:
        value = given["state_affiliated"]
        if isinstance(value, bool):
            values["state_affiliated"] = value
        elif str(value).strip().lower() in STATE_AFFILIATED:
            values["state_affiliated"] = STATE_AFFILIATED[str(value).strip().lower()]
        else:
            problems.append(f"state-affiliated {value!r} is not yes, no or unknown")
    if "interval_seconds" in given:
        values["interval_seconds"] = _interval(given["interval_seconds"], problems)
    if not for_edit and not problems:
        if "name" not in values or values["name"] is None:
            values["name"] = _default_name(values["url"])
        if "kind" not in values:
            values["kind"] = guess_kind(values["url"])
            notes.append(f"kind guessed as {values['kind']} from the URL; give the kind to set it "
                         f"({', '.join(KINDS)})")
        values.setdefault("interval_seconds", DEFAULT_INTERVAL_SECONDS)
    if problems:
        raise InputError(str(given.get("url") or "source"), "; ".join(problems))
    return Checked(values, tuple(notes))


def canonical_url(text: str) -> str:
    """The URL as stored: http or https with a host, scheme and host in lower case, no fragment;
    ``ValueError`` (one line) otherwise. A user name or password is refused: the URL is shown in
    lists, exports and logs."""
    text = text.strip()
    try:
        parts = urllib.parse.urlsplit(text)
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError as err:
        raise ValueError(f"{text!r} is not a web address ({err})") from None
    if parts.scheme.lower() not in ("http", "https"):
        raise ValueError(f"{text!r} is not an http or https address")
    if not parts.hostname:
        raise ValueError(f"{text!r} has no host")
    if parts.username or parts.password:
        raise ValueError(f"{parts.hostname}: a user name or password in the URL would be shown wherever the "
                         "source is listed; follow a URL without one")
    if any(ch.isspace() or ord(ch) < 32 for ch in text):
        raise ValueError(f"{text!r} holds spaces or control characters")
    host = parts.netloc.rsplit("@", 1)[-1].lower()
    return urllib.parse.urlunsplit((parts.scheme.lower(), host, parts.path or "/", parts.query, ""))


def guess_kind(url: str) -> str:
    """rss, atom, sitemap or page, from the words of the URL's path and query: a guess the user is
    told about, and can correct. The watcher reads what the server sends whatever the kind says."""
    parts = urllib.parse.urlsplit(url)
    words = f"{parts.path} {parts.query}".lower()
    if "sitemap" in words:
        return "sitemap"
    if "atom" in words:
        return "atom"
    if re.search(r"rss|feed|rdf|\.xml\b", words):
        return "rss"
    return "page"


def add(engine: sa.Engine, details: SourceDetails, *, update_existing: bool = False) -> Added:
    """Follow a new source. A URL followed already raises ``InputError`` (one line, naming the
    source that has it), or with ``update_existing`` has its details changed to those given."""
    checked = check(details)
    try:
        return Added(source_registry.add(engine, checked.values), checked.notes, updated=False)
    except DuplicateUrl as err:
        if not update_existing:
            raise InputError(checked.values["url"], f"already followed as {err.existing.name!r} (source "
                             f"{err.existing.source_id}); edit it, or add it again with --update") from None
        changes = check(dataclasses.replace(details, url=None), for_edit=True).values
        updated = source_registry.update(engine, err.existing.source_id, changes)
        return Added(updated, (), updated=True)


def edit(engine: sa.Engine, reference: str | int, details: SourceDetails) -> Source:
    """Change the details given of the source ``reference`` names (``find``)."""
    source = find(engine, reference)
    changes = check(details, for_edit=True).values
    try:
        return source_registry.update(engine, source.source_id, changes)
    except DuplicateUrl as err:
        raise InputError(changes["url"], f"already followed as {err.existing.name!r} (source "
                         f"{err.existing.source_id})") from None


def set_paused(engine: sa.Engine, reference: str | int, paused: bool) -> Source:
    """Pause (the watcher skips it) or resume a source."""
    source = find(engine, reference)
    return source_registry.update(engine, source.source_id, {"paused": paused})


def remove(engine: sa.Engine, reference: str | int) -> Source:
    """Stop following a source: its row goes, the articles it brought in stay."""
    source = find(engine, reference)
    source_registry.delete(engine, source.source_id)
    return source


def find(engine: sa.Engine, reference: str | int) -> Source:
    """The source an id, a URL or a name (case ignored) names; ``InputError`` when none or several."""
    text = str(reference).strip()
    if text.isdigit():
        found = source_registry.find(engine, source_id=int(text))
        if found is not None:
            return found
    try:
        found = source_registry.find(engine, url=canonical_url(text))
    except ValueError:
        found = None
    if found is not None:
        return found
    named = [s for s in source_registry.load(engine) if s.name.casefold() == text.casefold()]
    if len(named) == 1:
        return named[0]
    if named:
        raise InputError(text, f"names {len(named)} sources ({', '.join(str(s.source_id) for s in named)}): "
                         "give the id or the URL")
    raise InputError(text, "no followed source has this id, URL or name (see `sources list`)")


def registry_frame(engine: sa.Engine) -> pd.DataFrame:
    """What the Sources comparison groups outlets by, one row a followed source: name, country,
    language, owner, state_affiliated (True, False or None: not known)."""
    columns = ["name", "country", "language", "owner", "state_affiliated"]
    rows = [[getattr(source, column) for column in columns] for source in source_registry.load(engine)]
    return pd.DataFrame(rows, columns=columns, dtype=object)


def _default_name(url: str) -> str:
    host = urllib.parse.urlsplit(url).hostname or url
    return host.removeprefix("www.")


def _one_line(value, limit: int, field: str, problems: list[str]) -> str | None:
    text = " ".join(_CONTROL.sub(" ", str(value)).split())
    if len(text) > limit:
        problems.append(f"{field} has {len(text)} characters, at most {limit} are allowed")
    return text or None


def _code(value, known: dict[str, str], field: str, expected: str, problems: list[str], upper: bool) -> str | None:
    text = str(value).strip()
    if not text:
        return None
    code = text.upper() if upper else text.lower()
    if code in known.values():
        return code
    if text.casefold() in known:
        return known[text.casefold()]
    problems.append(f"{field} {text!r} is not {expected}")
    return None


def _interval(value, problems: list[str]) -> int | None:
    try:
        seconds = int(str(value).strip())
    except ValueError:
        problems.append(f"interval {value!r} is not a whole number of seconds")
        return None
    if not MIN_INTERVAL_SECONDS <= seconds <= MAX_INTERVAL_SECONDS:
        problems.append(f"interval {seconds} s is outside {MIN_INTERVAL_SECONDS}..{MAX_INTERVAL_SECONDS} s")
        return None
    return seconds


@functools.cache
def _countries() -> dict[str, str]:
    """English name (case folded) and code -> ISO 3166-1 alpha-2 code, from CLDR (Babel)."""
    names = {name.casefold(): code for code, name in languages.english_territory_names().items()
             if len(code) == 2 and code.isalpha() and code not in _NOT_COUNTRIES}
    return names | {code.casefold(): code for code in names.values()}


@functools.cache
def _languages() -> dict[str, str]:
    """English name (case folded) and code -> ISO 639-1 code, from CLDR (Babel)."""
    names = {name.casefold(): code for code, name in languages.english_language_names().items()
             if len(code) == 2 and code.isalpha()}
    return names | {code: code for code in names.values()}
