"""The corrections file (``data/corrections.toml``, or one written by ``geowire corrections export``):
read into ``Correction`` records (``read``, ``loads``) and written from them (``dumps``).

The format (docs/actors.md, "Corrections"): one TOML array of tables per kind, ``[[merge]]``,
``[[split]]``, ``[[rename]]``, ``[[alias]]``, ``[[retype]]``, ``[[ignore]]``; actors named by id or
English name; optional ``actor_name``, ``analyst`` and ``at`` (a TOML date-time) on every table.
Corrections apply in the order of their ``at``; a hand-written table without one applies before
them, in the order ignore, split, merge, rename, retype (that of the first version of the file).
"""
from __future__ import annotations

import datetime as dt
import tomllib
from pathlib import Path

from core.errors import InputError
from core.store.corrections import KINDS, Correction

# The order hand-written corrections (without ``at``) apply in; aliases are the dictionary's.
_UNDATED_ORDER = ("ignore", "split", "merge", "rename", "retype", "alias")
_EPOCH = dt.datetime(1, 1, 1, tzinfo=dt.timezone.utc)


def read(path: Path | None) -> tuple[Correction, ...]:
    """The corrections of the file at ``path`` in the order they apply; none for a missing file.
    ``InputError`` names the file and every table that is wrong."""
    if path is None or not path.exists():
        return ()
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise InputError(path, f"cannot be read: {getattr(error, 'strerror', None) or error}") from None
    return loads(text, str(path))


def loads(text: str, origin: str) -> tuple[Correction, ...]:
    """The corrections of a corrections file's text (``origin``: where it comes from, for messages
    and for each correction's ``origin``)."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise InputError(origin, f"not valid TOML: {error}") from None
    unknown = sorted(set(data) - set(KINDS))
    problems = [f"unknown table(s) {', '.join(unknown)} (known: {', '.join(KINDS)})"] if unknown else []
    found: list[Correction] = []
    for kind in KINDS:
        entries = data.get(kind, [])
        if not isinstance(entries, list):
            problems.append(f"{kind}: write it as [[{kind}]] tables")
            continue
        for number, entry in enumerate(entries, 1):
            try:
                found += _entry(kind, entry, origin)
            except (KeyError, TypeError, ValueError) as error:
                problems.append(f"[[{kind}]] {number}: {error.args[0] if error.args else error}")
    if problems:
        raise InputError(origin, "; ".join(problems))
    undated = sorted((c for c in found if c.at is None), key=lambda c: _UNDATED_ORDER.index(c.kind))
    return tuple(undated) + tuple(sorted((c for c in found if c.at is not None), key=lambda c: c.at or _EPOCH))


def _text(entry: dict, key: str, required: bool = False) -> str:
    value = entry.get(key, "")
    if not isinstance(value, str):
        raise TypeError(f"{key} must be a string (found {value!r})")
    if required and not value.strip():
        raise KeyError(f"needs {key}")
    return value.strip()


def _texts(entry: dict, key: str) -> tuple[str, ...]:
    value = entry.get(key, [])
    if isinstance(value, str) or not all(isinstance(v, str) for v in value):
        raise TypeError(f"{key} must be a list of strings (found {value!r})")
    return tuple(v for v in value if v.strip())


def _entry(kind: str, entry: dict, origin: str) -> list[Correction]:
    """The corrections one table stands for (a merge of several actors is one per actor)."""
    if not isinstance(entry, dict):
        raise TypeError("not a table")
    at = entry.get("at")
    if at is not None and not isinstance(at, dt.datetime):
        raise TypeError(f"at must be a date-time such as 2024-08-05T10:00:00Z (found {at!r})")
    if at is not None and at.tzinfo is None:
        at = at.replace(tzinfo=dt.timezone.utc)
    # No analyst: "" (an import records who imported it).
    common = {"kind": kind, "actor_name": _text(entry, "actor_name"), "analyst": _text(entry, "analyst"),
              "at": at, "origin": origin}
    if kind == "merge":
        actors = _texts(entry, "actors") + ((_text(entry, "actor"),) if entry.get("actor") else ())
        if not actors:
            raise KeyError("needs actors")
        into = _text(entry, "into", required=True)
        return [Correction(actor=actor, into=into, **common) for actor in actors]
    if kind == "split":
        surfaces = _texts(entry, "surfaces") + ((_text(entry, "surface"),) if entry.get("surface") else ())
        if not surfaces:
            raise KeyError("needs surface or surfaces")
        into, name = _text(entry, "into"), _text(entry, "name")
        if not into and not name:
            raise KeyError("needs name (a new actor) or into (an actor that exists)")
        return [Correction(actor=_text(entry, "actor", True), surfaces=surfaces, into=into, name=name,
                           type=_text(entry, "type"), **common)]
    if kind == "rename":
        return [Correction(actor=_text(entry, "actor", True), name=_text(entry, "name", True), **common)]
    if kind == "alias":
        return [Correction(actor=_text(entry, "actor", True), alias=_text(entry, "alias", True),
                           language=_text(entry, "language") or "en", type=_text(entry, "type"), **common)]
    if kind == "retype":
        return [Correction(actor=_text(entry, "actor", True), type=_text(entry, "type", True), **common)]
    # ignore. The first version's table ignored its actor and, separately, its ``surface`` (two
    # corrections); ``surfaces`` ignores only that actor's mentions written so.
    actor, surface, surfaces = _text(entry, "actor"), _text(entry, "surface"), _texts(entry, "surfaces")
    if not (actor or surface or surfaces):
        raise KeyError("needs actor, surface or surfaces")
    found = [Correction(actor=actor, surfaces=surfaces, article=_text(entry, "article"), **common)] \
        if actor or surfaces else []
    if surface:
        found.append(Correction(surfaces=(surface,), **common))
    return found


# Which fields each kind writes, in this order (TOML keys; "actors" is a merge's list).
_KEYS = {"merge": ("into", "actors"), "split": ("actor", "surfaces", "into", "name", "type"),
         "rename": ("actor", "name"), "alias": ("actor", "language", "alias", "type"), "retype": ("actor", "type"),
         "ignore": ("actor", "surfaces", "article")}
_HEADER = """\
# Analysts' corrections to Geowire's actors (docs/actors.md, "Corrections").
# `geowire corrections import FILE` adds them to a store; data/corrections.toml is applied as well.
# Actors are named by id (Q794, gw:nikolai-patrushev) or English name; actor_name is for the reader.
"""


def dumps(corrections: tuple[Correction, ...] | list[Correction]) -> str:
    """A corrections file holding ``corrections`` (``loads`` reads them back, in the same order
    when each has its ``at``)."""
    lines = [_HEADER]
    for correction in corrections:
        lines.append(f"\n[[{correction.kind}]]")
        for key in _KEYS[correction.kind]:
            value = [correction.actor] if key == "actors" else getattr(correction, key)
            if value:
                lines.append(f"{key} = {_toml(value)}")
        if correction.actor_name:
            lines.append(f"actor_name = {_toml(correction.actor_name)}")
        lines.append(f"analyst = {_toml(correction.analyst or 'local')}")
        if correction.at is not None:
            lines.append(f"at = {correction.at.astimezone(dt.timezone.utc).isoformat(timespec='microseconds')}")
    return "\n".join(lines) + "\n"


def _toml(value) -> str:
    """A TOML string or array of strings. Written here because the standard library reads TOML
    but does not write it, and no TOML writer is installed; strings are all this file holds."""
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    out = []
    for ch in str(value):
        if ch in '"\\':
            out.append("\\" + ch)
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:  # control characters must be escaped in a basic string
            out.append(f"\\u{ord(ch):04X}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'
