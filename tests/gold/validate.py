"""Consistency check for the labelled gold set (run: python3 tests/gold/validate.py [FOLDER]).

FOLDER defaults to this one; ``tests/gold/heldout`` holds the articles written after the
extractor was tuned, checked the same way except for the fictional-people coverage rule.

Checks every <lang>_<nn>.toml: it parses, surfaces and date surfaces occur verbatim in
title+text, refs are country:XX / new:<slug> / an exact must-include name from
data/actors/README.md, dates are ISO, hints are verbatim, 150-350 words, 1-4 dates.
Also warns when a surface labelled in one article of a language occurs unlabelled in another
(a hint for a forgotten label; some hits are deliberate traps) and prints the counts.
"""
import datetime as dt
import re
import sys
import tomllib

NEWER_LANGUAGES = {"zh", "ja", "ko", "it", "pt", "pl", "hi", "ur", "id"}
from collections import Counter, defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
README = HERE.parent.parent / "data" / "actors" / "README.md"
LANGS = ["en", "fr", "de", "es", "tr", "ru", "uk", "ar", "fa", "he", "el", "zh", "ja", "ko", "it", "pt", "pl", "hi", "ur",
         "id"]
# deliberate traps: a surface labelled elsewhere that is NOT an actor mention here
TRAPS = {("fa_02.toml", "تهران"): "Tehran province, not the capital (rule 2)"}
SCRIPT = {"en": "Latin", "fr": "Latin", "de": "Latin", "es": "Latin", "tr": "Latin",
          "ru": "Cyrillic", "uk": "Cyrillic", "ar": "Arabic", "fa": "Arabic", "he": "Hebrew",
          "el": "Greek", "zh": "Han", "ja": "Japanese", "ko": "Hangul", "hi": "Devanagari", "ur": "Arabic",
          "it": "Latin", "pt": "Latin", "pl": "Latin", "id": "Latin"}


def must_include():
    text = README.read_text(encoding="utf-8")
    names = set()
    for label in ("People:", "Organisations:"):
        line = next(l for l in text.splitlines() if l.startswith(label))
        body = line[len(label):].strip().rstrip(".")
        names.update(n.strip() for n in body.split(";") if n.strip())
    return names


def dictionary_names():
    """Every English name of the dictionary: issue 25's articles label any dictionary actor (their
    press names its own ministers, not only the must-include list's)."""
    names = set()
    for path in README.parent.glob("*.toml"):
        names.update(a["name"] for a in tomllib.loads(path.read_text(encoding="utf-8")).get("actor", []))
    return names


def count_mentions(body, surfaces):
    """Non-overlapping occurrences, longest surface first."""
    taken = [False] * len(body)
    n = 0
    for s in sorted(set(surfaces), key=len, reverse=True):
        for m in re.finditer(re.escape(s), body):
            if not any(taken[m.start():m.end()]):
                n += 1
                for i in range(m.start(), m.end()):
                    taken[i] = True
    return n


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    folder = Path(argv[0]).resolve() if argv else HERE
    names = must_include()
    errors, warnings = [], []
    files = sorted(folder.glob("*_[0-9][0-9].toml"))
    docs = {}
    for f in files:
        try:
            d = tomllib.loads(f.read_text(encoding="utf-8"))
        except Exception as e:  # noqa: BLE001
            errors.append(f"{f.name}: does not parse: {e}")
            continue
        docs[f.name] = d
        lang = f.name.split("_")[0]
        if d.get("language") != lang:
            errors.append(f"{f.name}: language {d.get('language')!r} != {lang!r}")
        pub = dt.date.fromisoformat(d["published"])
        body = d["title"] + "\n" + d["text"]
        # Chinese and Japanese write no spaces: two characters count as a word. The articles of
        # issue 25's languages are shorter, as briefs and portal pages are (60 words at least).
        words = len(d["text"].split()) + sum(1 for ch in d["text"] if "\u3040" <= ch <= "\u9fff") // 2
        if not (60 if lang in NEWER_LANGUAGES else 150) <= words <= 350:
            errors.append(f"{f.name}: {words} words")
        refs = Counter(a["ref"] for a in d.get("actor", []))
        for r, c in refs.items():
            if c > 1:
                errors.append(f"{f.name}: ref {r} listed {c} times")
        for a in d.get("actor", []):
            r = a["ref"]
            if r.startswith("country:"):
                if not re.fullmatch(r"country:[A-Z]{2}", r):
                    errors.append(f"{f.name}: bad country ref {r}")
            elif r.startswith("new:"):
                if not re.fullmatch(r"new:[a-z0-9-]+", r):
                    errors.append(f"{f.name}: bad slug {r}")
            elif r not in names and not (lang in NEWER_LANGUAGES and r in dictionary_names()):
                errors.append(f"{f.name}: {r!r} is not a must-include name")
            if not a.get("surfaces"):
                errors.append(f"{f.name}: {r} has no surfaces")
            for s in a.get("surfaces", []):
                if s not in body:
                    errors.append(f"{f.name}: surface {s!r} ({r}) not in title+text")
            if len(set(a["surfaces"])) != len(a["surfaces"]):
                errors.append(f"{f.name}: duplicate surfaces for {r}")
        ds = d.get("date", [])
        if not 1 <= len(ds) <= 4:
            errors.append(f"{f.name}: {len(ds)} dates")
        for x in ds:
            if x["surface"] not in body:
                errors.append(f"{f.name}: date surface {x['surface']!r} not in text")
            if x["sentence_hint"] not in body:
                errors.append(f"{f.name}: hint {x['sentence_hint']!r} not in text")
            if x["surface"] not in x["sentence_hint"]:
                errors.append(f"{f.name}: hint {x['sentence_hint']!r} lacks {x['surface']!r}")
            try:
                day = dt.date.fromisoformat(x["date"])
            except ValueError:
                errors.append(f"{f.name}: bad date {x['date']!r}")
                continue
            if abs((day - pub).days) > 500:
                warnings.append(f"{f.name}: {x['surface']} -> {day} is far from {pub}")

    # cross-article check per language
    by_lang = defaultdict(dict)
    for name, d in docs.items():
        for a in d.get("actor", []):
            for s in a["surfaces"]:
                by_lang[d["language"]].setdefault(s, set()).add(a["ref"])
    for name, d in docs.items():
        body = d["title"] + "\n" + d["text"]
        here = {s for a in d.get("actor", []) for s in a["surfaces"]}
        for s, rs in by_lang[d["language"]].items():
            if s in here or len(s) < 3 or (name, s) in TRAPS:
                continue
            pat = r"(?<![\w])" + re.escape(s) + r"(?![\w])"
            if d["language"] in ("ar", "fa", "he", "tr"):
                pat = re.escape(s)
            if re.search(pat, body):
                # covered if it is a substring of a surface labelled here
                covered = any(s in h for h in here if re.search(re.escape(h), body))
                if not covered:
                    warnings.append(f"{name}: {s!r} ({'/'.join(sorted(rs))}) occurs unlabelled")

    # counts
    per_lang = defaultdict(lambda: Counter())
    fict_articles = defaultdict(set)
    fict_scripts = defaultdict(set)
    fict_mentions = Counter()
    for name, d in docs.items():
        lang = d["language"]
        body = d["title"] + "\n" + d["text"]
        c = per_lang[lang]
        c["articles"] += 1
        c["actor labels"] += len(d.get("actor", []))
        c["dates"] += len(d.get("date", []))
        for a in d.get("actor", []):
            if a["ref"].startswith("new:"):
                m = count_mentions(body, a["surfaces"])
                c["fictional mentions"] += m
                fict_mentions[a["ref"]] += m
                fict_articles[a["ref"]].add(name)
                fict_scripts[a["ref"]].add(SCRIPT[lang])
    for ref in sorted(fict_articles):
        # The held-out articles are few; the coverage rule is for the main set's merge measure.
        # Real people outside the dictionary, met only in issue 25's articles (Prabowo Subianto),
        # are no invented people: the rule is not theirs.
        newer_only = all(a.split("_")[0] in NEWER_LANGUAGES for a in fict_articles[ref])
        if folder == HERE and not newer_only and (len(fict_articles[ref]) < 4 or len(fict_scripts[ref]) < 3):
            errors.append(f"{ref}: {len(fict_articles[ref])} articles, scripts {sorted(fict_scripts[ref])}")

    print(f"{'lang':5}{'articles':>9}{'actors':>8}{'fict.m':>8}{'dates':>7}")
    tot = Counter()
    for lang in LANGS:
        c = per_lang[lang]
        tot.update(c)
        print(f"{lang:5}{c['articles']:>9}{c['actor labels']:>8}{c['fictional mentions']:>8}{c['dates']:>7}")
    print(f"{'all':5}{tot['articles']:>9}{tot['actor labels']:>8}{tot['fictional mentions']:>8}{tot['dates']:>7}")
    print()
    for ref in sorted(fict_articles):
        print(f"{ref:32} {len(fict_articles[ref]):>2} articles {fict_mentions[ref]:>3} mentions "
              f"{', '.join(sorted(fict_scripts[ref]))}")
    for w in warnings:
        print("WARNING", w)
    for e in errors:
        print("ERROR", e)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
