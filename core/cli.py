"""``python -m core``: the command line over the same functions the pages call."""
from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from pathlib import Path

import pandas as pd
from rapidfuzz import fuzz, process
from tqdm import tqdm

from core import __version__, cli_sources, config, pipeline
from core.actors import actor_dictionary, correction_files, corrections, frames, spelling
from core.analysis import filtering, text_search
from core.export import articles as export_articles, data as export_data, files as export_files
from core.errors import ClusterError, ConfigError, ExportError, InputError, StoreError, StoreWriteError
from core.store import corrections as store_corrections, database, reads, translation_memory
from core.monitor import control, politeness, watcher
from core.translate import providers, run, translated


def _parser() -> argparse.ArgumentParser:
    # The options every command takes, accepted before the command or after it (`geowire --db X
    # ingest F` and `geowire ingest F --db X`). SUPPRESS keeps a subcommand's absent option from
    # overwriting the value given before the command.
    shared = argparse.ArgumentParser(add_help=False)
    shared.add_argument("--db", default=argparse.SUPPRESS,
                        help="store: SQLAlchemy URL or SQLite file (default: $GEOWIRE_DB or data/geowire.db)")
    shared.add_argument("--scheduler", default=argparse.SUPPRESS, metavar="tcp://HOST:8786",
                        help="ingest and extract on this Dask cluster's workers; this process writes the store "
                             "(default: $GEOWIRE_SCHEDULER, else worker processes on this machine; docs/scaling.md)")
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
    turn.add_argument("--provider", choices=config.TRANSLATION_PROVIDERS, help="default: $GEOWIRE_TRANSLATOR, else libre when a --url or "
                      "$GEOWIRE_TRANSLATE_URL is given, else none (nothing is sent anywhere until one is chosen)")
    turn.add_argument("--url", help="base URL of a self-hosted provider such as LibreTranslate ($GEOWIRE_TRANSLATE_URL)")
    turn.add_argument("--limit", type=int, help="translate at most N articles in this run")
    turn.add_argument("--timeout", type=float, help="seconds a whole request may take, connecting, waiting and "
                                                    "reading together (default 20)")
    turn.add_argument("--max-response-bytes", type=int, help="largest answer accepted, before and after gzip "
                                                             "(default 2097152, 2 MB)")
    turn.add_argument("--quiet", action="store_true", help="print only the summary")

    out = command("export", help="write the stored articles, all or those the filters select",
                  description="The filters are the dashboard's: an article passes when it passes every one given; "
                              "a filter given twice (two --actor) keeps articles that match either (--actor-mode all: "
                              "articles naming every --actor). CSV and JSON "
                              "Lines files get a manifest FILE.json beside them recording the filters; JSON and "
                              "XLSX record them inside.")
    out.add_argument("--format", choices=export_data.FORMATS, default="csv")
    out.add_argument("--to", dest="target", help="language of the translation columns (default: $GEOWIRE_TARGET_LANG or en)")
    out.add_argument("--out", type=Path, help="file to write (default: standard output; required for xlsx)")
    out.add_argument("--since", type=_day, metavar="YYYY-MM-DD", help="published on or after this day (UTC); "
                                                                      "undated articles are kept, as on the dashboard")
    out.add_argument("--until", type=_day, metavar="YYYY-MM-DD", help="published on or before this day (UTC)")
    out.add_argument("--actor", action="append", default=[], metavar="NAME",
                     help="names this actor: its id, English name or any alias in the dictionary, or a discovered "
                          "person's name as the dashboard shows it (repeat for several)")
    out.add_argument("--actor-mode", choices=("any", "all"), default="any",
                     help="with several --actor: articles naming any of them (default) or all of them")
    out.add_argument("--all-actors", dest="actor_mode", action="store_const", const="all",
                     help="the same as --actor-mode all")
    out.add_argument("--language", action="append", default=[], metavar="CODE",
                     help="in this language, ISO 639-1 (repeat for several)")
    out.add_argument("--source", action="append", default=[], metavar="NAME", help="from this outlet (repeat for several)")
    out.add_argument("--text", default="", metavar="QUERY",
                     help='title or text, original or translated, has these whole words, ignoring case and accents: '
                          'words side by side must all be there, OR takes either, NOT (or -word) excludes, "quotes" '
                          'keep a phrase, parentheses group (the dashboard\'s "Text contains")')
    fix = command("corrections", help="list, export, import or undo the analysts' corrections of the actors",
                  description="Corrections (merge, split, rename, alias, retype, ignore) are kept in the store, shared "
                              "by everyone who uses it, and applied whenever actors are read, so every page and every "
                              "re-extraction shows them; data/corrections.toml is applied as well (docs/actors.md).")
    actions = fix.add_subparsers(dest="action", required=True)
    actions.add_parser("list", parents=[shared], help="the corrections in force, with who made them and when")
    written = actions.add_parser("export", parents=[shared], help="write the store's corrections to a corrections file")
    written.add_argument("file", help="the TOML file to write (- for standard output)")
    read = actions.add_parser("import", parents=[shared],
                              help="add a corrections file's corrections to the store (those already there are left out)")
    read.add_argument("file", type=Path)
    read.add_argument("--analyst", help="who the corrections that name nobody are recorded as made by "
                                        "(default: $GEOWIRE_ANALYST, the settings file's analyst, else local)")
    undone = actions.add_parser("undo", parents=[shared], help="remove corrections, by the id `list` shows")
    undone.add_argument("ids", nargs="+", type=int, metavar="ID")

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
    cli_sources.add_commands(command, shared)
    return parser


def _day(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a day: write YYYY-MM-DD") from None


def main(argv: list[str] | None = None) -> int:
    """Run one command; returns the exit status: 0 done, 1 done with problems (rejected inputs,
    failed translations), 2 a bad setting or dictionary, 3 store busy (another process kept the
    store's write lock past GEOWIRE_BUSY_SECONDS), 4 the store or a file beside it could not be
    written (a full disk), 5 the Dask cluster of --scheduler could not be used or failed."""
    args = _parser().parse_args(argv)
    try:
        engine = database.connect(config.database_url(getattr(args, "db", None)), busy_seconds=config.busy_seconds())
        # Read by the commands that use it only: a bad GEOWIRE_SCHEDULER does not stop an export.
        scheduler = getattr(args, "scheduler", None)
        if args.command == "ingest":
            return _ingest(engine, args, config.scheduler_address(scheduler))
        if args.command == "extract":
            return _extract(engine, everything=args.all, scheduler=config.scheduler_address(scheduler))
        if args.command == "translate":
            return _translate(engine, args)
        if args.command == "corrections":
            return _corrections(engine, args)
        if args.command == "watch":
            return _watch(engine, args)
        if args.command == "sources":
            return cli_sources.run(engine, args)
        return _export(engine, args)
    except ConfigError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    except StoreError as err:  # one line naming the store; what was committed before it is kept
        print(err, file=sys.stderr)
        return err.exit_code
    except ClusterError as err:  # one line naming the scheduler; nothing was stored by the step it stopped
        print(f"error: {err}", file=sys.stderr)
        return err.exit_code


def _extract(engine, everything: bool = False, scheduler: str | None = None) -> int:
    return _report_extraction(pipeline.extract(engine, everything=everything, scheduler=scheduler))


def _report_extraction(outcome: pipeline.PipelineRun) -> int:
    if outcome.not_extracted:
        print(f"error: {outcome.not_extracted}", file=sys.stderr)
        return 2
    if outcome.cluster_failed:
        print(f"error: {outcome.cluster_failed}", file=sys.stderr)
        return outcome.cluster_failed.exit_code
    print(outcome.extracted.describe())
    if outcome.frames_not_written:
        print(f"frames not written: {outcome.frames_not_written}", file=sys.stderr)
        return StoreWriteError.exit_code
    return 0


def _ingest(engine, args, scheduler: str | None = None) -> int:
    def report(done: int, total: int, path: str, outcome: str) -> None:
        # Printed after the file's transaction has ended: a line seen here is a file safely stored.
        if not args.quiet:
            tqdm.write(f"[{done}/{total}] {path}: {outcome}", file=sys.stdout)
            sys.stdout.flush()

    outcome = pipeline.ingest(engine, args.paths, extract=not args.no_extract, source=args.source, force=args.force,
                              progress=None if not args.quiet else False, on_file=report, scheduler=scheduler)
    summary = outcome.ingested
    for problem in summary.problems:
        print(f"rejected: {problem}", file=sys.stderr)
    print(summary.describe())
    if summary.stopped is not None:
        print(summary.stopped, file=sys.stderr)
        return summary.exit_code
    if not args.no_extract:
        code = _report_extraction(outcome)
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

    def report(done: int, total: int, summary: run.RunSummary) -> None:
        # Printed after the article's transaction: a line seen here is a translation safely stored.
        if not args.quiet:
            print(f"[{done}/{total}] translated {summary.translated}, from memory {summary.from_memory}, "
                  f"failed {summary.failed}", flush=True)

    if not settings.configured:
        print(f"error: {providers.NOT_CONFIGURED}", file=sys.stderr)
        return 2
    print(f"translating with {settings.describe()}. {providers.destination(settings).describe()}", file=sys.stderr)
    summary = pipeline.translate(engine, settings, limit=args.limit, progress=report)
    print(summary.describe())
    return 1 if summary.failed or summary.stopped else 0


def _export(engine, args) -> int:
    """The articles the filters select, with the columns of the dashboard's article download
    (``core.export.articles``), newest first as the dashboard lists them."""
    if args.format == "xlsx" and args.out is None:
        print("error: --format xlsx needs --out FILE (a spreadsheet is not written to a terminal)", file=sys.stderr)
        return 2
    try:
        text_search.parse(args.text)  # before the store is read: a typo in the query fails at once
    except text_search.QueryError as err:
        print(f"error: --text: {err}", file=sys.stderr)
        return 2
    articles = reads.load_articles(engine)
    try:
        dictionary = pipeline.corrected_dictionary(engine)
    except InputError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    found, mentions, dates = frames.actor_frames(engine, dictionary)
    try:
        chosen_actors = _actor_ids(args.actor, found, dictionary)
    except LookupError as err:
        print(f"error: {err.args[0]}", file=sys.stderr)
        return 2
    try:
        target = config.translation_settings(target=args.target).target
    except ConfigError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    articles = translated.with_translations(articles, translation_memory.load_translations(engine, target), target)
    filters = filtering.Filters(date_from=args.since, date_to=args.until, languages=tuple(args.language),
                               sources=tuple(args.source), query=args.text, actors=tuple(chosen_actors),
                               actor_match=args.actor_mode)
    selected = filtering.filter_articles(articles, filters, mentions, found)
    table = export_articles.article_table(selected, found, mentions, dates)
    metadata = export_data.export_metadata("articles", filters.to_dict(), dt.datetime.now(dt.timezone.utc),
                                           actor_names=chosen_actors)
    try:
        data = export_files.write(table, args.format, args.out, metadata)
    except ExportError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    if args.out is None:
        sys.stdout.buffer.write(data)
    else:
        print(f"wrote {len(table)} article(s) to {args.out}", file=sys.stderr)
    return 0


def _corrections(engine, args) -> int:
    """``geowire corrections list|export|import|undo``."""
    try:
        if args.action == "list":
            stored = store_corrections.load(engine)
            for correction in correction_files.read(config.CORRECTIONS_FILE):
                print(f"file\t{correction.origin}\t{corrections.describe(correction)}")
            for correction in stored:
                print(f"{correction.id}\t{correction.at:%Y-%m-%d %H:%M} UTC · {correction.analyst}\t"
                      f"{corrections.describe(correction)}")
            if not stored:
                print("no corrections in the store", file=sys.stderr)
            return 0
        if args.action == "export":
            text = pipeline.export_corrections(engine)
            if args.file == "-":
                sys.stdout.write(text)
            else:
                _write_text(Path(args.file), text)
                print(f"wrote {len(store_corrections.load(engine))} correction(s) to {args.file}", file=sys.stderr)
            return 0
        if args.action == "import":
            if not args.file.is_file():
                raise InputError(args.file, "no such file")
            outcome = pipeline.import_corrections(engine, correction_files.read(args.file),
                                                  args.analyst or config.analyst_name())
        else:
            outcome = pipeline.undo_corrections(engine, args.ids)
            missing = sorted(set(args.ids) - {c.id for c in outcome.removed})
            if missing:
                print(f"no correction {', '.join(map(str, missing))} in the store", file=sys.stderr)
    except InputError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    print(outcome.describe())
    if outcome.run is not None:
        for line in outcome.run.steps_not_done():
            print(line, file=sys.stderr)
        if outcome.run.not_extracted:
            return 2
    return 0


def _watch(engine, args) -> int:
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


def _write_text(path: Path, text: str) -> None:
    """Write ``path`` whole or not at all: a temporary file beside it, renamed over it."""
    partial = path.with_name(f".{path.name}.{os.getpid()}.partial")
    try:
        partial.write_text(text, encoding="utf-8")
        os.replace(partial, path)
    except OSError as err:
        partial.unlink(missing_ok=True)
        raise InputError(path, f"cannot be written: {err.strerror or err}") from None


def _actor_ids(references: list[str], found: pd.DataFrame, dictionary: actor_dictionary.Dictionary) -> dict[str, str]:
    """The actors named on the command line, id -> English name, in the order given.

    A reference is an actor id, an English name (the store's actors first, so a discovered person
    is found by the name the dashboard shows and a renamed actor by its new name), or any alias in
    the dictionary, compared with case, diacritics and letter variants folded (``spelling.fold``).
    Raises LookupError (one line) naming every reference that names no actor or several, with the
    closest names for a mistyped one."""
    every = pd.concat([found[["actor_id", "name"]], dictionary.actors[["actor_id", "name"]]]).drop_duplicates("actor_id")
    names = dict(zip(every["actor_id"], every["name"]))
    folded_names = every.assign(key=every["name"].fillna("").map(spelling.fold))
    aliases = dictionary.aliases.assign(key=dictionary.aliases["alias"].map(spelling.fold))
    chosen, problems = {}, []
    for reference in references:
        actor_id = actor_dictionary.find_actor(every, reference)
        if actor_id is None:
            key = spelling.fold(reference.strip())
            matches = list(dict.fromkeys(folded_names.loc[folded_names["key"] == key, "actor_id"])) or \
                list(dict.fromkeys(aliases.loc[aliases["key"] == key, "actor_id"]))
            if len(matches) > 1:
                problems.append(f"{reference!r} names several actors ({', '.join(_named(a, names) for a in matches)}): "
                                "give the id")
                continue
            if not matches:
                problems.append(f"no actor named {reference!r}{_close_names(key, folded_names, aliases, names)}")
                continue
            actor_id = matches[0]
        chosen[actor_id] = names.get(actor_id)
    if problems:
        raise LookupError("; ".join(problems))
    return chosen


def _named(actor_id: str, names: dict[str, str]) -> str:
    return f"{names.get(actor_id) or '?'} ({actor_id})"


def _close_names(key: str, folded_names: pd.DataFrame, aliases: pd.DataFrame, names: dict[str, str]) -> str:
    """ " (did you mean: Vladimir Putin (Q7747), ...)" for the best few spellings near ``key``, or ""."""
    spellings = pd.concat([folded_names[["key", "actor_id"]], aliases[["key", "actor_id"]]]).drop_duplicates("key")
    near = process.extract(key, list(spellings["key"]), scorer=fuzz.ratio, limit=10, score_cutoff=75)
    found = list(dict.fromkeys(spellings["actor_id"].iloc[index] for _, _, index in near))[:3]
    return f" (did you mean: {', '.join(_named(a, names) for a in found)})" if found else ""
