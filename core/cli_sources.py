"""``python -m core sources …``: the followed sources from the command line (add, edit, pause,
resume, remove, list with their health, OPML import and export); and ``python -m core watch``,
the watcher polling them until stopped. Its own module beside
``core.cli``, which adds these commands to its parser and hands them here."""
from __future__ import annotations

import argparse
import datetime as dt
import os
import re
import sys
from pathlib import Path

from core import config
from core.errors import ConfigError, InputError
from core.monitor import control, health, opml, politeness, sources, watcher
from core.store import source_registry

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_TABLE_COLUMNS = ("id", "name", "kind", "country", "lang", "state", "every", "status", "per day", "last success",
                  "last error")


def add_commands(command, shared: argparse.ArgumentParser) -> None:
    """``sources`` and its actions, made with ``core.cli``'s ``command(name, ...)`` and its
    options every command takes (``shared``), so that ``--db`` goes before or after the action."""
    followed = command("sources", help="the outlets and feeds followed: add, list with their health, remove, OPML",
                       description="Sources are kept in the store. A source is named by its id, URL or name. "
                                   "Removing one keeps the articles it brought in (docs/monitoring.md).")
    actions = followed.add_subparsers(dest="action", required=True)
    add = actions.add_parser("add", parents=[shared], help="follow a feed, sitemap or page")
    add.add_argument("url")
    _detail_options(add)
    add.add_argument("--update", action="store_true", help="when the URL is followed already, change its details")
    edit = actions.add_parser("edit", parents=[shared], help="change a source's details (\"\" clears one)")
    edit.add_argument("source", help="id, URL or name")
    edit.add_argument("--url", help="a new URL for it")
    _detail_options(edit)
    actions.add_parser("list", parents=[shared], help="every source with its health")
    for name, what in (("remove", "stop following (its articles stay)"), ("pause", "stop polling it for now"),
                       ("resume", "poll it again")):
        action = actions.add_parser(name, parents=[shared], help=what)
        action.add_argument("sources", nargs="+", metavar="SOURCE", help="id, URL or name")
    read = actions.add_parser("import", parents=[shared], help="follow the feeds of an OPML file")
    read.add_argument("file", type=Path)
    read.add_argument("--update", action="store_true", help="give sources followed already the file's details")
    written = actions.add_parser("export", parents=[shared], help="write the sources as OPML")
    written.add_argument("file", nargs="?", default="-", help="the file to write (default: standard output)")


def _detail_options(action: argparse.ArgumentParser) -> None:
    action.add_argument("--name", help="the outlet, as articles name it (default: the URL's host)")
    action.add_argument("--kind", choices=sources.KINDS, help="default: guessed from the URL, and said")
    action.add_argument("--country", help="ISO 3166-1 alpha-2 code (RU) or English name")
    action.add_argument("--language", help="ISO 639-1 code (ru) or English name")
    action.add_argument("--interval", dest="interval_seconds", metavar="SECONDS",
                        help=f"seconds between polls (default {sources.DEFAULT_INTERVAL_SECONDS}, at least "
                             f"{sources.MIN_INTERVAL_SECONDS})")
    action.add_argument("--owner")
    state = action.add_mutually_exclusive_group()
    state.add_argument("--state-affiliated", dest="state_affiliated", action="store_const", const="yes")
    state.add_argument("--not-state-affiliated", dest="state_affiliated", action="store_const", const="no")
    state.add_argument("--state-affiliation-unknown", dest="state_affiliated", action="store_const", const="unknown")
    action.add_argument("--notes")


def run(engine, args) -> int:
    """Exit status: 0 done, 1 done but some outlines of an import were left out, 2 bad input."""
    try:
        if args.action == "list":
            return _list(engine)
        if args.action == "export":
            return _export(engine, args.file)
        if args.action == "import":
            return _import(engine, args)
        if args.action in ("remove", "pause", "resume"):
            for reference in args.sources:
                _change(engine, args.action, reference)
            return 0
        details = sources.SourceDetails(**{name: getattr(args, name) for name in (
            "url", "name", "kind", "country", "language", "owner", "state_affiliated", "notes", "interval_seconds")})
        if args.action == "add":
            added = sources.add(engine, details, update_existing=args.update)
            for note in added.notes:
                print(f"note: {note}", file=sys.stderr)
            print(added.describe())
        else:
            source = sources.edit(engine, args.source, details)
            print(f"updated source {source.source_id}: {source.name} ({source.kind}, {source.url})")
        return 0
    except InputError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2


def _change(engine, action: str, reference: str) -> None:
    if action == "remove":
        source = sources.remove(engine, reference)
        print(f"removed source {source.source_id}: {source.name} ({source.url}); its articles stay")
    else:
        source = sources.set_paused(engine, reference, action == "pause")
        print(f"{'paused' if source.paused else 'resumed'} source {source.source_id}: {source.name}")


def _list(engine) -> int:
    followed = source_registry.load(engine)
    if not followed:
        print("no sources followed yet: add one with `sources add URL` or `sources import FILE.opml`", file=sys.stderr)
        return 0
    entries = health.of_sources(engine, followed, dt.datetime.now(dt.timezone.utc))
    rows = [_row(entry) for entry in entries]
    widths = [max(len(column), *(len(row[i]) for row in rows)) for i, column in enumerate(_TABLE_COLUMNS)]
    widths[-1] = len(_TABLE_COLUMNS[-1])  # the last column is not padded
    print("  ".join(c.ljust(w) for c, w in zip(_TABLE_COLUMNS, widths)).rstrip())
    for row, entry in zip(rows, entries):
        print("  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip())
        if entry.health.status in (health.FAILING, health.DEAD, health.SILENT):
            print(f"    {entry.health.status}: {_plain(entry.health.reason)}")
    return 0


def _row(entry: health.SourceHealth) -> list[str]:
    source, state = entry.source, entry.health
    affiliated = {True: "state", False: "indep.", None: "?"}[source.state_affiliated]
    error = f"{_when(source.last_error_at)} {_plain(source.last_error or '')[:60]}".strip() if source.last_error_at else "-"
    return [str(source.source_id), _plain(source.name)[:40], source.kind, source.country or "-",
            source.language or "-", affiliated, _every(source.interval_seconds), state.status,
            f"{state.items_per_day:.1f}", _when(source.last_success_at), error]


def _when(moment: dt.datetime | None) -> str:
    return f"{moment:%Y-%m-%d %H:%M}" if moment else "-"


def _every(seconds: int) -> str:
    return f"{seconds // 3600}h" if seconds % 3600 == 0 else f"{seconds // 60}m" if seconds % 60 == 0 else f"{seconds}s"


def _plain(text: str) -> str:
    # A feed's error text and an imported name reach the terminal: no escape sequences through.
    return " ".join(_CONTROL.sub(" ", text).split())


def _import(engine, args) -> int:
    outcome = opml.import_sources(engine, str(args.file), opml.read_file(args.file), update_existing=args.update)
    for problem in outcome.problems:
        print(f"left out: {problem}", file=sys.stderr)
    print(outcome.describe())
    return 1 if outcome.problems else 0


def _export(engine, target: str) -> int:
    followed = source_registry.load(engine)
    data = opml.export(followed, dt.datetime.now(dt.timezone.utc))
    if target == "-":
        sys.stdout.buffer.write(data)
        return 0
    path = Path(target)
    partial = path.with_name(f".{path.name}.{os.getpid()}.partial")
    try:  # whole or not at all: a temporary file beside it, renamed over it
        partial.write_bytes(data)
        os.replace(partial, path)
    except OSError as err:
        partial.unlink(missing_ok=True)
        raise InputError(path, f"cannot be written: {err.strerror or err}") from None
    print(f"wrote {len(followed)} source(s) to {path}", file=sys.stderr)
    return 0


def add_watch_command(command, shared: argparse.ArgumentParser) -> None:
    """``geowire watch``: the watcher polling the registry's sources."""
    watch = command("watch", help="poll the followed sources until stopped (Ctrl-C or SIGTERM), storing new articles",
                    description="Polls each source of the store's registry that is not paused on its interval, "
                                "politely (robots.txt, one request per host every few seconds, conditional requests), "
                                "fetches the full page of items whose feed carries only a summary, and sends the new "
                                "articles through the pipeline. One watcher per store (docs/monitoring.md).")
    watch.add_argument("--once", action="store_true", help="poll every source due now once, then stop")
    watch.add_argument("--max-seconds", type=float, metavar="S", help="stop after S seconds")
    watch.add_argument("--host-interval", type=float, metavar="S",
                       help=f"seconds between two requests to one host (default {politeness.HOST_INTERVAL_SECONDS:g}; "
                            "a robots.txt Crawl-delay may ask for more)")
    watch.add_argument("--threads", type=int, metavar="N", default=watcher.POLL_THREADS,
                       help=f"polls under way at once, of different hosts (default {watcher.POLL_THREADS})")
    watch.add_argument("--quiet", action="store_true", help="print only failures and the summary")


def watch(engine, args) -> int:
    """``geowire watch``: runs until SIGINT or SIGTERM (``core.monitor.control.run``)."""
    try:
        settings = watcher.Settings(
            politeness=politeness.Settings(host_interval=args.host_interval if args.host_interval is not None
                                           else politeness.HOST_INTERVAL_SECONDS),
            translation=config.translation_settings(), threads=max(1, args.threads))
    except ConfigError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2

    def log(line: str) -> None:
        if not args.quiet or "failed" in line:
            print(f"{dt.datetime.now(dt.timezone.utc):%Y-%m-%d %H:%M:%S} {line}", flush=True)

    return control.run(engine, settings, once=args.once, max_seconds=args.max_seconds, log=log)
