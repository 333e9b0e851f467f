"""Precision and recall of actor extraction and date extraction on the labelled set in tests/gold/.

    PYTHONPATH=. .venv/bin/python benchmarks/actor_eval.py [--errors] [--gold tests/gold/heldout] [--dates-only]

Scoring is per article: an actor is a true positive when the article's labels name it. Discovered
people (labelled ``new:<slug>``) are matched by surface form, and the cross-script merge rate is
the share of article pairs in different scripts, both naming the same invented person, where
the extractor gave that person the same actor id.
"""
from __future__ import annotations

import argparse
import itertools
import sys
import tomllib
from collections import defaultdict
from pathlib import Path

import pandas as pd

from core.actors import actor_dictionary, mentioned_dates, resolution, spelling
from core.config import ACTORS_DIR, CORRECTIONS_FILE

GOLD_DIR = Path(__file__).resolve().parent.parent / "tests" / "gold"
SCRIPTS = {"ar": "Arabic", "fa": "Arabic", "ur": "Arabic", "he": "Hebrew", "ru": "Cyrillic", "uk": "Cyrillic",
           "el": "Greek", "zh": "Han", "ja": "Japanese", "ko": "Hangul", "hi": "Devanagari"}
# Issue 25's languages written without capitals: their pairs are also scored apart.
SCRIPT_PRESS = {"zh", "ja", "ko", "hi", "ur"}


def load_gold(directory: Path = GOLD_DIR) -> tuple[pd.DataFrame, dict]:
    articles, labels = [], {}
    for path in sorted(directory.glob("*.toml")):
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        articles.append({"article_id": path.stem, "title": data["title"], "text": data["text"],
                         "language": data["language"], "published": pd.Timestamp(data["published"], tz="UTC")})
        labels[path.stem] = data
    return pd.DataFrame(articles), labels


def _gold_actor(ref: str, dictionary) -> str | None:
    if ref.startswith("country:"):
        hit = dictionary.actors[(dictionary.actors["type"] == "country") & (dictionary.actors["country"] == ref[8:])]
        return hit["actor_id"].iloc[0] if len(hit) else None
    if ref.startswith("new:"):
        return ref
    return dictionary.actor_id(ref)


def _type_of(ref: str, dictionary) -> str:
    if ref.startswith("country:"):
        return "country"
    if ref.startswith("new:"):
        return "person"
    actor_id = dictionary.actor_id(ref)
    return dictionary.actors.set_index("actor_id").at[actor_id, "type"] if actor_id else "person"


def evaluate(dictionary=None, directory: Path = GOLD_DIR):
    """Returns (per-article scoring rows, cross-script pair rows, date rows, unresolved gold refs)."""
    dictionary = dictionary or actor_dictionary.load(ACTORS_DIR, CORRECTIONS_FILE)
    articles, labels = load_gold(directory)
    found_actors, mentions = resolution.extract(articles, dictionary)
    names = dict(zip(found_actors["actor_id"], found_actors["name"]))
    kinds = dict(zip(found_actors["actor_id"], found_actors["type"]))
    origin = dict(zip(found_actors["actor_id"], found_actors["origin"]))
    rows, unresolved = [], []
    new_ids: dict[str, dict[str, str]] = defaultdict(dict)
    for article_id, data in labels.items():
        language = data["language"]
        gold = {}
        for actor in data.get("actor", []):
            resolved = _gold_actor(actor["ref"], dictionary)
            if resolved is None:
                unresolved.append(actor["ref"])
                continue
            gold[resolved] = (actor["ref"], [spelling.fold(s) for s in actor["surfaces"]])
        found = mentions[mentions["article_id"] == article_id]
        predicted = found.groupby("actor_id")["surface"].apply(list).to_dict()
        matched_gold = set()
        for actor_id, surfaces in predicted.items():
            target = actor_id if actor_id in gold else None
            if target is None and origin.get(actor_id) != "dictionary":
                folded = [spelling.fold(s) for s in surfaces]
                target = next((ref for ref, (_, gold_surfaces) in gold.items() if ref.startswith("new:") and any(
                    f in g or g in f for f in folded for g in gold_surfaces)), None)
                if target is not None:
                    new_ids[target][article_id] = actor_id
            ok = target is not None and target not in matched_gold
            if ok:
                matched_gold.add(target)
            rows.append({"article": article_id, "language": language, "type": kinds.get(actor_id, "?"),
                         "kind": "predicted", "correct": ok, "actor": names.get(actor_id, actor_id), "surfaces": surfaces})
        for ref, (label, surfaces) in gold.items():
            rows.append({"article": article_id, "language": language, "type": _type_of(label, dictionary),
                         "kind": "gold", "correct": ref in matched_gold, "actor": label, "surfaces": surfaces})
    pairs = []
    for ref in {r for data in labels.values() for a in data.get("actor", []) if (r := a["ref"]).startswith("new:")}:
        holders = [a for a, d in labels.items() if any(x["ref"] == ref for x in d.get("actor", []))]
        for left, right in itertools.combinations(holders, 2):
            if SCRIPTS.get(labels[left]["language"], "Latin") == SCRIPTS.get(labels[right]["language"], "Latin"):
                continue
            a, b = new_ids[ref].get(left), new_ids[ref].get(right)
            pairs.append({"person": ref, "left": left, "right": right, "merged": a is not None and a == b,
                          "new_script": bool({labels[left]["language"], labels[right]["language"]} & SCRIPT_PRESS)})
    dates = _evaluate_dates(articles, labels)
    return pd.DataFrame(rows), pd.DataFrame(pairs), dates, unresolved


def evaluate_dates(directory: Path = GOLD_DIR) -> pd.DataFrame:
    """The date rows of ``evaluate`` alone (no dictionary to load: a second, not a minute)."""
    articles, labels = load_gold(directory)
    return _evaluate_dates(articles, labels)


def _evaluate_dates(articles: pd.DataFrame, labels: dict) -> pd.DataFrame:
    found = mentioned_dates.extract(articles)
    rows = []
    for article_id, data in labels.items():
        predicted = found[found["article_id"] == article_id]
        got = {(spelling.fold(s), d.date().isoformat()) for s, d in zip(predicted["surface"], predicted["date"])}
        gold = {(spelling.fold(d["surface"]), str(d["date"])) for d in data.get("date", [])}
        gold_dates = {d for _, d in gold}
        for surface, day in got:
            rows.append({"article": article_id, "language": data["language"], "kind": "predicted",
                         "correct": day in gold_dates, "surface": surface, "date": day})
        got_dates = {d for _, d in got}
        for surface, day in gold:
            rows.append({"article": article_id, "language": data["language"], "kind": "gold",
                         "correct": day in got_dates, "surface": surface, "date": day})
    return pd.DataFrame(rows)


def scores(rows: pd.DataFrame, by: str) -> pd.DataFrame:
    predicted = rows[rows["kind"] == "predicted"].groupby(by)["correct"].agg(["sum", "count"])
    gold = rows[rows["kind"] == "gold"].groupby(by)["correct"].agg(["sum", "count"])
    table = pd.DataFrame({"precision": predicted["sum"] / predicted["count"], "recall": gold["sum"] / gold["count"],
                          "predicted": predicted["count"], "gold": gold["count"]}).fillna(0)
    return table.round(3)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--errors", action="store_true", help="list every false positive and miss")
    parser.add_argument("--gold", type=Path, default=GOLD_DIR,
                        help="folder of labelled articles (tests/gold/heldout: written after the tuning; "
                             "tests/gold/dates: days and months without a year)")
    parser.add_argument("--dates-only", action="store_true", help="score the mentioned dates only")
    options = parser.parse_args(argv)
    if options.dates_only:
        dates = evaluate_dates(options.gold)
        _print_dates(dates, options.errors)
        return 0
    rows, pairs, dates, unresolved = evaluate(directory=options.gold)
    if unresolved:
        print("gold refs missing from the dictionary:", sorted(set(unresolved)), file=sys.stderr)
    print("actors by language\n", scores(rows, "language").to_string(), sep="")
    print("\nactors by type\n", scores(rows, "type").to_string(), sep="")
    total = scores(rows.assign(all="all"), "all")
    print("\nall\n", total.to_string(), sep="")
    if len(pairs):
        print(f"\ncross-script merges of undictionaried people: {pairs['merged'].sum()}/{len(pairs)} "
              f"pairs = {pairs['merged'].mean():.2f}")
        press = pairs[pairs["new_script"]]
        if len(press):
            print(f"  of which with an article in {' '.join(sorted(SCRIPT_PRESS))}: {press['merged'].sum()}/{len(press)} "
                  f"pairs = {press['merged'].mean():.2f}")
    _print_dates(dates, errors=False)
    if options.errors:
        wrong = rows[~rows["correct"]]
        for row in wrong.itertuples():
            label = "FALSE POSITIVE" if row.kind == "predicted" else "MISSED"
            print(f"{row.article}: {label} {row.actor} {row.surfaces}")
        _print_dates(dates, errors=True, scores_too=False)
        if len(pairs):
            for row in pairs[~pairs["merged"]].itertuples():
                print(f"NOT MERGED {row.person}: {row.left} / {row.right}")
    return 0


def _print_dates(dates: pd.DataFrame, errors: bool, scores_too: bool = True) -> None:
    if scores_too:
        print("\nmentioned dates by language\n", scores(dates, "language").to_string(), sep="")
        print("\nmentioned dates, all\n", scores(dates.assign(all="all"), "all").to_string(), sep="")
    if errors:
        for row in dates[~dates["correct"]].itertuples():
            label = "FALSE DATE" if row.kind == "predicted" else "MISSED DATE"
            print(f"{row.article}: {label} {row.surface} {row.date}")


if __name__ == "__main__":
    raise SystemExit(main())
