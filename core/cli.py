"""``python -m core``: the command line over the same functions the pages call."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from tqdm import tqdm

from core import __version__, actor_dictionary, config, export, extraction, store, translate
from core.ingest import batch
from core.errors import ConfigError, ExportError, InputError, StoreError, StoreWriteError


def _parser() -> argparse.ArgumentParser:
    # The options every command takes, accepted before the command or after it (`geowire --db X
    # ingest F` and `geowire ingest F --db X`). SUPPRESS keeps a subcommand's absent option from
    # overwriting the value given before the command.
    shared = argparse.ArgumentParser(add_help=False)
    shared.add_argument("--db", default=argparse.SUPPRESS,
                        help="store: SQLAlchemy URL or SQLite file (default: $GEOWIRE_DB or data/geowire.db)")
    parser = argparse.ArgumentParser(prog="geowire", parents=[shared],
                                     description="Geowire: multilingual news monitoring, offline.")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)

    def command(name: str, **kwargs) -> argparse.ArgumentParser:
        return commands.add_parser(name, parents=[shared], **kwargs)

    take = command("ingest", help="read files, folders or globs into the store")
    take.add_argument("paths", nargs="+", help="files, folders (read recursively) and globs, in any mix")
    take.add_argument("--source", help="outlet name for every article (default: from the input, else the folder name)")
    take.add_argument("--force", action="store_true", help="read files again even if unchanged since the last ingest")
    take.add_argument("--quiet", action="store_true", help="print only problems and the summary")
    take.add_argument("--no-extract", action="store_true", help="store only; find actors and dates later with `extract`")

    find = command("extract", help="find actors and mentioned dates in the stored articles")
    find.add_argument("--all", action="store_true", help="extract every article again, not only new ones")

    turn = command(
        "translate", help="translate the articles not yet in the target language, through the translation memory",
        description="Keys are read from GEOWIRE_TRANSLATE_KEY or the settings file only, never from a flag "
                    "(a flag would leave them in the shell history and the process list).")
    turn.add_argument("--to", dest="target", help="target language, ISO 639-1 (default: $GEOWIRE_TARGET_LANG or en)")
    turn.add_argument("--provider", choices=translate.PROVIDERS, help="default: $GEOWIRE_TRANSLATOR or google")
    turn.add_argument("--url", help="base URL of a self-hosted provider such as LibreTranslate ($GEOWIRE_TRANSLATE_URL)")
    turn.add_argument("--limit", type=int, help="translate at most N articles in this run")
    turn.add_argument("--timeout", type=float, help="seconds a whole request may take, connecting, waiting and "
                                                    "reading together (default 20)")
    turn.add_argument("--max-response-bytes", type=int, help="largest answer accepted, before and after gzip "
                                                             "(default 2097152, 2 MB)")
    turn.add_argument("--quiet", action="store_true", help="print only the summary")

    out = command("export", help="write the stored articles")
    out.add_argument("--format", choices=export.FORMATS, default="csv")
    out.add_argument("--to", dest="target", help="language of the translation columns (default: $GEOWIRE_TARGET_LANG or en)")
    out.add_argument("--out", type=Path, help="file to write (default: standard output; required for xlsx)")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run one command; returns the exit status: 0 done, 1 done with problems (rejected inputs,
    failed translations), 2 a bad setting or dictionary, 3 store busy (another process kept the
    store's write lock past GEOWIRE_BUSY_SECONDS), 4 the store or a file beside it could not be
    written (a full disk)."""
    args = _parser().parse_args(argv)
    try:
        engine = store.connect(config.database_url(getattr(args, "db", None)), busy_seconds=config.busy_seconds())
        if args.command == "ingest":
            return _ingest(engine, args)
        if args.command == "extract":
            return _extract(engine, everything=args.all)
        if args.command == "translate":
            return _translate(engine, args)
        return _export(engine, args)
    except ConfigError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    except StoreError as err:  # one line naming the store; what was committed before it is kept
        print(err, file=sys.stderr)
        return err.exit_code


def _dictionary():
    return actor_dictionary.load(config.ACTORS_DIR, config.CORRECTIONS_FILE), \
        extraction.dictionary_version(config.ACTORS_DIR, config.CORRECTIONS_FILE)


def _extract(engine, everything: bool = False) -> int:
    try:
        dictionary, version = _dictionary()
    except InputError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    summary = extraction.run(engine, dictionary, version, everything=everything)
    print(summary.describe())
    cache_dir = config.frames_cache_dir(str(engine.url))
    try:
        extraction.prepare_frames(engine, dictionary, version, cache_dir)
    except OSError as err:  # a full disk beside the store: the store itself is not touched by this step
        print(f"frames not written: {cache_dir}: {err.strerror or err}; the store is unchanged, and the dashboard "
              "derives the frames itself when it starts", file=sys.stderr)
        return StoreWriteError.exit_code
    return 0


def _ingest(engine, args) -> int:
    def report(done: int, total: int, path: str, outcome: str) -> None:
        # Printed after the file's transaction has ended: a line seen here is a file safely stored.
        if not args.quiet:
            tqdm.write(f"[{done}/{total}] {path}: {outcome}", file=sys.stdout)
            sys.stdout.flush()

    summary = batch.ingest(engine, args.paths, source=args.source, force=args.force,
                            progress=None if not args.quiet else False, on_file=report)
    for problem in summary.problems:
        print(f"rejected: {problem}", file=sys.stderr)
    print(summary.describe())
    if summary.stopped is not None:
        print(summary.stopped, file=sys.stderr)
        return summary.exit_code
    if not args.no_extract:
        code = _extract(engine)
        if code:
            return code
    return summary.exit_code


def _translate(engine, args) -> int:
    try:
        settings = config.translation_settings(provider=args.provider, target=args.target, url=args.url,
                                               timeout=args.timeout, max_response_bytes=args.max_response_bytes)
    except ConfigError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2

    def report(done: int, total: int, summary: translate.RunSummary) -> None:
        # Printed after the article's transaction: a line seen here is a translation safely stored.
        if not args.quiet:
            print(f"[{done}/{total}] translated {summary.translated}, from memory {summary.from_memory}, "
                  f"failed {summary.failed}", flush=True)

    print(f"translating with {settings.describe()}", file=sys.stderr)
    summary = translate.run(engine, settings, limit=args.limit, progress=report)
    print(summary.describe())
    return 1 if summary.failed or summary.stopped else 0


def _export(engine, args) -> int:
    if args.format == "xlsx" and args.out is None:
        print("error: --format xlsx needs --out FILE (a spreadsheet is not written to a terminal)", file=sys.stderr)
        return 2
    articles = store.load_articles(engine)
    try:
        dictionary, _ = _dictionary()
    except InputError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    found, mentions, dates = extraction.actor_frames(engine, dictionary)
    articles = export.with_actors(articles, extraction.per_article(found, mentions, dates))
    try:
        target = config.translation_settings(target=args.target).target
    except ConfigError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    articles = translate.with_translations(articles, store.load_translations(engine, target), target)
    try:
        data = export.write(articles, args.format, args.out)
    except ExportError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    if args.out is None:
        sys.stdout.buffer.write(data)
    else:
        print(f"wrote {len(articles)} article(s) to {args.out}", file=sys.stderr)
    return 0
