"""Which articles a rule matches: a stage over frames (no store, no clock).

A match rule asks for every field it names (an empty field asks nothing):
- actors: the article names any of them, or all of them (``actor_mode``), by actor id: names and
  aliases typed by the analyst are resolved to ids when the rule is added (``core.cli``, the
  Alerts page), through the dashboard's search of every spelling in every script;
- query: the free-text query of the dashboard's filter bar (``core.analysis.text_search``: whole
  words, case, diacritics and Arabic letter variants folded, scripts without spaces matched
  anywhere, AND / OR / NOT and "phrases") over the title and the text;
- sources: ``articles.source`` is one of them;
- languages: the article's detected language is one of them;
- countries: the country of the article's source in the ``sources`` registry is one of them (a
  source outside the registry, such as a file ingested by hand, has no country and never matches).
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from core import schema
from core.analysis import text_search
from core.store import alerts as store_alerts

ARTICLE_COLUMNS = ("article_id", "source", "title", "text", "language", "country")


def check(rule: store_alerts.Rule) -> None:
    """``ValueError`` naming what is wrong with a rule before it is stored."""
    problems = []
    if not rule.name.strip():
        problems.append("it needs a name")
    if rule.kind == "spike" and len(rule.actors) != 1:
        problems.append("a spike rule watches exactly one actor")
    if rule.kind == "match" and not (rule.actors or rule.query.strip() or rule.sources or rule.languages or rule.countries):
        problems.append("it asks for nothing (give actors, a text, sources, languages or countries)")
    if rule.actor_mode not in ("any", "all"):
        problems.append(f"actor mode {rule.actor_mode!r} is not any or all")
    try:
        text_search.parse(rule.query)
    except text_search.QueryError as err:
        problems.append(f"text: {err}")
    if problems:
        raise ValueError(f"alert rule {rule.name!r}: " + "; ".join(problems))


def matching(articles: pd.DataFrame, actors: pd.DataFrame, rule: store_alerts.Rule) -> pd.Series:
    """The article_ids of ``articles`` that ``rule`` matches, in their order.

    Needs: articles[ARTICLE_COLUMNS] (country: <NA> when the source has none);
    actors[article_id, actor_id], one row per actor an article names."""
    schema.require_columns(articles, ARTICLE_COLUMNS, stage="alerts")
    keep = np.ones(len(articles), dtype=bool)
    for field, column in (("sources", "source"), ("languages", "language"), ("countries", "country")):
        wanted = getattr(rule, field)
        if wanted:
            values = articles[column] if field != "countries" else articles[column].str.upper()
            wanted = [w.upper() for w in wanted] if field == "countries" else list(wanted)
            keep &= values.isin(wanted).fillna(False).to_numpy(dtype=bool)
    if rule.actors:
        named = actors[actors["actor_id"].isin(list(rule.actors))]
        per_article = named.groupby("article_id")["actor_id"].nunique()
        needed = len(set(rule.actors)) if rule.actor_mode == "all" else 1
        hits = set(per_article[per_article >= needed].index)
        keep &= articles["article_id"].isin(hits).to_numpy(dtype=bool)
    if rule.query.strip() and keep.any():
        rows = np.flatnonzero(keep)
        keep[rows] = text_search.matches(articles, rule.query, rows)
    return articles["article_id"][keep].reset_index(drop=True)


def describe(rule: store_alerts.Rule, names: dict[str, str] | None = None) -> str:
    """A rule in one line: its name and what it asks."""
    names = names or {}
    actors = [f"{names.get(a) or a} ({a})" if names.get(a) else a for a in rule.actors]
    if rule.kind == "spike":
        return f"{rule.name}: a spike in attention to {actors[0]}"
    parts = [f"{'all' if rule.actor_mode == 'all' else 'any'} of {', '.join(actors)}"] if rule.actors else []
    parts += [f"text {rule.query!r}"] if rule.query else []
    parts += [f"{label} {', '.join(values)}" for label, values in
              (("sources", rule.sources), ("languages", rule.languages), ("countries", rule.countries)) if values]
    sent = [f"webhook {rule.webhook}"] if rule.webhook else []
    sent += [f"email {rule.email}"] if rule.email else []
    return f"{rule.name}: " + "; ".join(parts) + (f" → {', '.join(sent)}" if sent else "")
