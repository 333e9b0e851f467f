"""Memory benchmark: peak RSS and wall time of ``python -m core ingest`` (which extracts actors and
dates and writes the dashboard's frames afterwards) and of ``python -m core extract --all``, on a
large CSV of short articles and on one article that repeats two names 500,000 times.

What it runs, each as a subprocess exactly as a user runs it, in a temporary folder that is
deleted afterwards (``--keep DIR`` keeps it):

1. ``python -m core --db STORE ingest --quiet corpus.csv`` on a CSV of ``--rows`` short synthetic
   articles (default 500,000) in six languages and three scripts (en, fr, de, es, ru, ar), each
   naming two or three dictionary actors, often a person outside the dictionary after a title
   ("Foreign Minister Omar Valdrick"), and a date ("on 3 March"), spread over a year of
   publication dates;
2. ``python -m core --db STORE extract --all`` on the store that ingest made;
3. ``python -m core --db STORE2 ingest --quiet repeated.txt`` on a fresh store, where
   repeated.txt is one article of "Iran Russia " repeated ``--repeat`` times (default 500,000).

For each it prints the peak resident memory of the process (``os.wait4``'s rusage: the largest
of the process and the children it waited for) and the wall time, and for 3. the stored mention
rows and the mentions they stand for. Generating the inputs is not measured.

    PYTHONPATH=. .venv/bin/python benchmarks/memory_bench.py                       # full size: long
    PYTHONPATH=. .venv/bin/python benchmarks/memory_bench.py --rows 50000 --repeat 100000

The target of the issue: below 1 GiB for each command, whatever the corpus size. The script exits
0 whatever it finds: it is a benchmark, not a test.
"""
from __future__ import annotations

import argparse
import csv
import os
import random
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
TARGET_BYTES = 2**30

# Per language: sentences with slots for two dictionary actors {a} {b}, a person outside the
# dictionary introduced by a title {person}, a day and month {date}, a place {place} and numbers
# {n}; the dictionary actors as this language writes them; the title and given names (given names
# the dictionary's name cues know, so the person is discovered); the month names.
LANGUAGES = {
    "en": {
        "sentences": [
            "{a} and {b} resumed talks in {place} on {date}, officials said after {n} hours of meetings.",
            "Foreign Minister {person} said {a} would not accept the proposal put forward by {b}.",
            "The delegation from {a} left {place} without an agreement, according to {n} diplomats.",
            "Analysts expect {b} to answer the statement of {a} before {date}, when the council meets again.",
            "{a} accused {b} of breaking the truce near {place}, where {n} families were evacuated.",
        ],
        "actors": ["Iran", "Russia", "Ukraine", "Israel", "China", "NATO", "Vladimir Putin", "the United States"],
        "title": "Foreign Minister", "given": ["Omar", "Maria", "Karim", "Olga", "Hassan", "Ivan", "Layla", "Marco"],
        "months": ["January", "February", "March", "April", "May", "June", "July", "August", "September",
                   "October", "November", "December"],
        "date": "{day} {month}",
    },
    "fr": {
        "sentences": [
            "{a} et {b} ont repris les discussions à {place} le {date}, après {n} heures de réunion.",
            "Le ministre des Affaires étrangères {person} a déclaré que {a} refusait la proposition de {b}.",
            "La délégation de {a} a quitté {place} sans accord, selon {n} diplomates.",
            "Les analystes attendent une réponse de {b} avant le {date}, date de la prochaine réunion.",
            "{a} accuse {b} d'avoir rompu la trêve près de {place}, où {n} familles ont été évacuées.",
        ],
        "actors": ["Iran", "Russie", "Ukraine", "Israël", "Chine", "OTAN", "Vladimir Poutine", "États-Unis"],
        "title": "le ministre des Affaires étrangères", "given": ["Omar", "Maria", "Karim", "Olga", "Nadia", "Ivan"],
        "months": ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
                   "novembre", "décembre"],
        "date": "{day} {month}",
    },
    "de": {
        "sentences": [
            "{a} und {b} haben am {date} in {place} die Gespräche wieder aufgenommen, nach {n} Stunden.",
            "Sprecher {person} sagte, {a} lehne den Vorschlag von {b} ab.",
            "Die Delegation aus {a} verließ {place} ohne Einigung, berichten {n} Diplomaten.",
            "Beobachter erwarten eine Antwort von {b} vor dem {date}, wenn der Rat wieder tagt.",
            "{a} wirft {b} vor, die Waffenruhe bei {place} gebrochen zu haben; {n} Familien wurden evakuiert.",
        ],
        "actors": ["Iran", "Russland", "Ukraine", "Israel", "China", "NATO", "Wladimir Putin", "Vereinigte Staaten"],
        "title": "Sprecher", "given": ["Omar", "Maria", "Karim", "Olga", "Nadia", "Hassan"],
        "months": ["Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober",
                   "November", "Dezember"],
        "date": "{day}. {month}",
    },
    "es": {
        "sentences": [
            "{a} y {b} reanudaron las conversaciones en {place} el {date}, tras {n} horas de reunión.",
            "El portavoz del Ministerio de Asuntos Exteriores, {person}, dijo que {a} rechaza la propuesta de {b}.",
            "La delegación de {a} dejó {place} sin acuerdo, según {n} diplomáticos.",
            "Los analistas esperan una respuesta de {b} antes del {date}, cuando el consejo vuelva a reunirse.",
            "{a} acusa a {b} de romper la tregua cerca de {place}, donde {n} familias fueron evacuadas.",
        ],
        "actors": ["Irán", "Rusia", "Ucrania", "Israel", "China", "OTAN", "Vladímir Putin", "Estados Unidos"],
        "title": "", "given": ["Omar", "Maria", "Karim", "Olga", "Nadia", "Ivan"],
        "months": ["enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre", "octubre",
                   "noviembre", "diciembre"],
        "date": "{day} de {month}",
    },
    "ru": {
        "sentences": [
            "{a} и {b} возобновили переговоры в городе {place} {date}, после {n} часов встреч.",
            "Министр иностранных дел {person} заявил, что {a} не примет предложение, сделанное {b}.",
            "Делегация {a} покинула {place} без соглашения, сообщили {n} дипломатов.",
            "Эксперты ждут ответа {b} до {date}, когда совет соберется снова.",
            "{a} обвиняет {b} в нарушении перемирия у {place}, откуда эвакуированы {n} семей.",
        ],
        "actors": ["Иран", "Россия", "Украина", "Израиль", "Китай", "НАТО", "Владимир Путин", "США"],
        "title": "Министр иностранных дел", "given": ["Юрий", "Анна", "Ольга", "Иван", "Павел"],
        "months": ["января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа", "сентября", "октября",
                   "ноября", "декабря"],
        "date": "{day} {month}",
    },
    "ar": {
        "sentences": [
            "استأنفت {a} و{b} المحادثات في {place} يوم {date} بعد {n} ساعات من الاجتماعات.",
            "قال وزير الخارجية {person} إن {a} لن تقبل اقتراح {b}.",
            "غادر وفد {a} مدينة {place} دون اتفاق بحسب {n} دبلوماسيين.",
            "ينتظر المحللون رد {b} قبل {date} عندما يجتمع المجلس مجددا.",
            "اتهمت {a} {b} بخرق الهدنة قرب {place} حيث تم إجلاء {n} عائلات.",
        ],
        "actors": ["إيران", "روسيا", "أوكرانيا", "إسرائيل", "الصين", "الناتو", "فلاديمير بوتين", "الولايات المتحدة"],
        "title": "وزير الخارجية", "given": ["أحمد", "علي", "عمر", "حسن"],
        "months": ["يناير", "فبراير", "مارس", "أبريل", "مايو", "يونيو", "يوليو", "أغسطس", "سبتمبر", "أكتوبر",
                   "نوفمبر", "ديسمبر"],
        "date": "{day} {month}",
    },
}
# Invented surnames, spelled per script: a few hundred discovered people across the corpus.
_SURNAME_ROOTS = ["Valdrick", "Morvane", "Tessaro", "Kolbrin", "Draveni", "Ostrava", "Belnik", "Quaresh", "Sundell",
                  "Marovic", "Altani", "Brekko", "Cazorin", "Delvany", "Ferrast", "Gorlitz", "Hamdeni", "Istvar"]
_CYRILLIC = str.maketrans({"a": "а", "b": "б", "c": "к", "d": "д", "e": "е", "f": "ф", "g": "г", "h": "х", "i": "и",
                           "k": "к", "l": "л", "m": "м", "n": "н", "o": "о", "p": "п", "q": "к", "r": "р", "s": "с",
                           "t": "т", "u": "у", "v": "в", "z": "з", "y": "й", "w": "в"})
_ARABIC = str.maketrans({"a": "ا", "b": "ب", "c": "ك", "d": "د", "e": "ي", "f": "ف", "g": "غ", "h": "ه", "i": "ي",
                         "k": "ك", "l": "ل", "m": "م", "n": "ن", "o": "و", "p": "ب", "q": "ق", "r": "ر", "s": "س",
                         "t": "ت", "u": "و", "v": "ف", "z": "ز", "y": "ي", "w": "و"})
PLACES = ["Geneva", "Vienna", "Doha", "Ankara", "Cairo", "Oslo", "Baku", "Muscat", "Astana", "Minsk"]
START = datetime(2024, 1, 1, tzinfo=timezone.utc)


def _surname(language: str, number: int) -> str:
    root = _SURNAME_ROOTS[number % len(_SURNAME_ROOTS)] + ("" if number < len(_SURNAME_ROOTS) else "ov" * (number // len(_SURNAME_ROOTS) % 3))
    if language == "ru":
        return root.lower().translate(_CYRILLIC).capitalize()
    if language == "ar":
        return root.lower().translate(_ARABIC)
    return root


def article(number: int, rng: random.Random) -> dict[str, str]:
    """One short article (about 400 characters), distinct from every other ``number``."""
    language = list(LANGUAGES)[number % len(LANGUAGES)]
    material = LANGUAGES[language]
    a, b = rng.sample(material["actors"], 2)
    published = START + timedelta(minutes=rng.randrange(365 * 24 * 60))
    mentioned = published - timedelta(days=rng.randrange(1, 10))
    date = material["date"].format(day=mentioned.day, month=material["months"][mentioned.month - 1])
    given = rng.choice(material["given"])
    person = f"{given} {_surname(language, rng.randrange(60))}"
    sentences = rng.sample(material["sentences"], 3)
    filled = [s.format(a=a, b=b, person=person, date=date, place=rng.choice(PLACES), n=rng.randrange(2, 90))
              for s in sentences]
    # A reference number in every sentence breaks the word shingles two articles could share, so
    # near-duplicate detection merges none of them.
    text = " ".join(f"{s} ({number}-{k}-{rng.randrange(10**6)})" for k, s in enumerate(filled))
    return {"title": f"{a} — {b} ({number})", "text": text, "published": published.isoformat(),
            "url": f"https://example.org/{language}/{number}", "source": f"Wire {language.upper()}"}


def write_csv(path: Path, rows: int, seed: int = 20) -> Path:
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=["title", "text", "published", "url", "source"])
        writer.writeheader()
        for number in range(rows):
            writer.writerow(article(number, rng))
    return path


def write_repeated(path: Path, repeat: int) -> Path:
    path.write_text("Iran Russia " * repeat, encoding="utf-8")
    return path


def run(args: list[str], env: dict | None = None) -> tuple[subprocess.CompletedProcess, int, float]:
    """(process, peak RSS in bytes, wall seconds) of ``python -m core`` with ``args``. Output goes
    to temporary files, not pipes, so the child is reaped here by ``os.wait4``, which gives the
    memory of that child alone (RUSAGE_CHILDREN would keep the largest of every earlier run)."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        started = time.perf_counter()
        process = subprocess.Popen([sys.executable, "-m", "core", *map(str, args)], cwd=REPO, stdout=out, stderr=err,
                                   text=True, env=env)
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        done = subprocess.CompletedProcess(process.args, process.returncode, out.read(), err.read())
    return done, usage.ru_maxrss * 1024, wall  # ru_maxrss is in KiB on Linux


def _print(label: str, done: subprocess.CompletedProcess, peak: int, wall: float) -> None:
    verdict = "below" if peak < TARGET_BYTES else "ABOVE"
    print(f"{label}: peak RSS {peak / 2**20:,.0f} MiB ({verdict} 1 GiB), {wall:,.1f} s, exit {done.returncode}")
    summary = [line for line in done.stdout.splitlines() if line.startswith(("stored", "extracted", "ingested"))]
    for line in summary[-2:]:
        print(f"    {line}")
    if done.returncode:
        print("    " + "\n    ".join(done.stderr.strip().splitlines()[-5:]))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=500_000, help="rows of the CSV (default 500000)")
    parser.add_argument("--repeat", type=int, default=500_000, help="repetitions of 'Iran Russia ' (default 500000)")
    parser.add_argument("--keep", type=Path, help="keep the inputs and stores in this folder")
    parser.add_argument("--skip", default="", help="comma-separated parts to skip: csv, extract, repeated")
    args = parser.parse_args()
    skip = set(filter(None, args.skip.split(",")))
    folder = Path(tempfile.mkdtemp(prefix="geowire-memory-")) if args.keep is None else args.keep
    folder.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, GEOWIRE_SAMPLE_CORPUS="0")
    try:
        if "csv" not in skip:
            started = time.perf_counter()
            corpus = write_csv(folder / "corpus.csv", args.rows)
            print(f"wrote {args.rows:,} rows ({corpus.stat().st_size / 2**20:,.0f} MiB) in "
                  f"{time.perf_counter() - started:,.0f} s")
            store = folder / "corpus.db"
            _print(f"ingest of {args.rows:,} CSV rows", *run(["--db", store, "ingest", "--quiet", corpus], env))
            if "extract" not in skip:
                _print("extract --all on that store", *run(["--db", store, "extract", "--all"], env))
        if "repeated" not in skip:
            text = write_repeated(folder / "repeated.txt", args.repeat)
            store = folder / "repeated.db"
            _print(f"ingest of one article of 'Iran Russia ' x {args.repeat:,}",
                   *run(["--db", store, "ingest", "--quiet", text], env))
            with sqlite3.connect(store) as conn:
                columns = {row[1] for row in conn.execute("PRAGMA table_info(mentions)")}
                counted = "SUM(COALESCE(occurrences, 1))" if "occurrences" in columns else "COUNT(*)"
                rows, mentions = conn.execute(f"SELECT COUNT(*), {counted} FROM mentions").fetchone()
            print(f"    stored {rows:,} mention row(s) standing for {mentions or 0:,} mention(s)")
    finally:
        if args.keep is None:
            shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
