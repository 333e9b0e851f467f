"""``python -m core alerts add|list|remove|deliver``: the alert rules and the alerts they fired.

Apart from core/cli.py, which would pass 400 lines with them; it registers these commands and
hands over the parsed arguments and its resolver of actor names (ids, English names, any alias of
the dictionary, folded), so an actor is named here exactly as ``export --actor`` names it.
"""
from __future__ import annotations

import argparse
import datetime as dt
import re
import sys
from collections.abc import Callable

import sqlalchemy as sa

from core import config
from core.alerts import delivery, rules
from core.store import alerts as store_alerts

_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


def add_parser(command: Callable[..., argparse.ArgumentParser], shared: argparse.ArgumentParser) -> None:
    """The ``alerts`` command and its actions (``command``: cli's maker of a subcommand)."""
    alerts = command("alerts", help="alert rules over new articles, the alerts they fired, their delivery",
                     description="Rules are evaluated on the articles every ingest stores, once their actors are "
                                 "extracted; alerts go to the Alerts page, a JSON Lines log beside the store "
                                 "($GEOWIRE_ALERT_LOG), a webhook ($GEOWIRE_ALERT_WEBHOOK or --webhook) and email "
                                 "($GEOWIRE_SMTP_*; docs/monitoring.md).")
    actions = alerts.add_subparsers(dest="action", required=True)
    add = actions.add_parser("add", parents=[shared], help="add a rule")
    add.add_argument("name", help="the rule's name, shown with its alerts")
    add.add_argument("--actor", action="append", default=[], metavar="NAME",
                     help="articles naming this actor: its id, English name or any alias (repeat for several)")
    mode = add.add_mutually_exclusive_group()
    mode.add_argument("--all-actors", dest="actor_mode", action="store_const", const="all",
                      help="with several --actor: articles naming all of them")
    mode.add_argument("--any-actor", dest="actor_mode", action="store_const", const="any",
                      help="with several --actor: articles naming any of them (the default)")
    add.add_argument("--text", default="", metavar="QUERY", help="the title or text has these words (the dashboard's "
                                                                 "\"Text contains\": AND, OR, NOT, \"phrases\")")
    add.add_argument("--source", action="append", default=[], metavar="NAME", help="from this outlet (repeat)")
    add.add_argument("--language", action="append", default=[], metavar="CODE", help="in this language, ISO 639-1 (repeat)")
    add.add_argument("--country", action="append", default=[], metavar="CC",
                     help="from an outlet of this country in the sources registry, ISO 3166 alpha-2 (repeat)")
    add.add_argument("--spike", metavar="ACTOR", help="instead: fire when attention to this actor rises far above its "
                                                      "own baseline (docs/monitoring.md, \"Spikes\")")
    add.add_argument("--webhook", metavar="URL", help="POST this rule's alerts here (default: $GEOWIRE_ALERT_WEBHOOK)")
    add.add_argument("--email", metavar="ADDRESS", help="mail this rule's alerts here (default: $GEOWIRE_SMTP_TO)")
    listed = actions.add_parser("list", parents=[shared], help="the rules, and the alerts fired lately")
    listed.add_argument("--limit", type=int, default=20, help="alerts shown (default 20)")
    gone = actions.add_parser("remove", parents=[shared], help="remove a rule (its alerts are kept)")
    gone.add_argument("rule", help="its name or id")
    actions.add_parser("deliver", parents=[shared], help="send every pending delivery now (failed ones are retried)")


def run(engine: sa.Engine, args: argparse.Namespace, actors_named: Callable[[list[str]], dict[str, str]]) -> int:
    """One action; ``actors_named`` turns references to actors into {id: name} or raises LookupError."""
    if args.action == "add":
        return _add(engine, args, actors_named)
    if args.action == "list":
        return _list(engine, args.limit)
    if args.action == "remove":
        if not store_alerts.remove_rule(engine, args.rule):
            print(f"error: no alert rule named {args.rule!r}", file=sys.stderr)
            return 2
        print(f"removed alert rule {args.rule}")
        return 0
    settings = config.alert_settings(str(engine.url))
    outcome = delivery.deliver(engine, settings, dt.datetime.now(dt.timezone.utc), everything=True)
    for line in outcome.failed:
        print(f"not delivered: {line}", file=sys.stderr)
    print(f"{outcome.sent} delivered, {len(outcome.failed)} still pending")
    return 1 if outcome.failed else 0


def _add(engine: sa.Engine, args, actors_named) -> int:
    problems = []
    if args.webhook and not re.match(r"https?://", args.webhook):
        problems.append(f"--webhook {args.webhook!r}: expected an http:// or https:// address")
    if args.email and not _EMAIL.fullmatch(args.email):
        problems.append(f"--email {args.email!r}: expected an address such as desk@example.org")
    if args.spike and (args.actor or args.text or args.source or args.language or args.country):
        problems.append("--spike watches one actor's attention: it takes no other condition")
    try:
        named = actors_named([args.spike] if args.spike else args.actor)
    except LookupError as err:
        problems.append(err.args[0])
        named = {}
    rule = store_alerts.Rule(name=args.name, kind="spike" if args.spike else "match", actors=tuple(named),
                             actor_mode=args.actor_mode or "any", query=args.text, sources=tuple(args.source),
                             languages=tuple(code.lower() for code in args.language),
                             countries=tuple(code.upper() for code in args.country), webhook=args.webhook,
                             email=args.email)
    if not problems:
        try:
            rules.check(rule)
        except ValueError as err:
            problems.append(str(err))
    if problems:
        print("error: " + "; ".join(problems), file=sys.stderr)
        return 2
    try:
        added = store_alerts.add_rule(engine, rule, dt.datetime.now(dt.timezone.utc))
    except ValueError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    print(f"added alert rule {added.rule_id}: {rules.describe(added, named)}")
    return 0


def _list(engine: sa.Engine, limit: int) -> int:
    kept = store_alerts.rules(engine)
    for rule in kept:
        print(f"rule {rule.rule_id}\t{rules.describe(rule)}")
    if not kept:
        print("no alert rules", file=sys.stderr)
    for alert in store_alerts.recent(engine, limit=limit):
        sent = ", ".join(f"{d.channel} {d.status}" + (f" ({d.attempts} attempts: {d.last_error})" if d.last_error and
                                                      d.status != "sent" else "") for d in alert.deliveries)
        print(f"alert {alert.alert_id}\t{alert.fired_at:%Y-%m-%d %H:%M} UTC\t{alert.rule_name}\t{alert.summary}"
              + (f"\t{sent}" if sent else ""))
    return 0
