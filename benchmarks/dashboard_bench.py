"""Dashboard benchmark: cold start of each page and time from a filter change to the charts redrawn,
in Debian's chromium driven by Playwright, on a store of N synthetic articles (100,000 by default).

What it measures, for the Overview, Timeline, Actor network and Sources pages, ``--repeat`` times:

* cold start: a fresh ``python serve.py`` process (what scripts/dashboard.sh starts: it reads the
  store's frames, then serves ``app.py``; started and answering ``/_stcore/health`` before the
  clock starts, and the time that took is printed), a fresh browser context; the clock runs from
  the navigation to the page's charts drawn and painted, on the page's own clock
  (``performance.now()``, which starts with the navigation). The server's in-memory caches are
  empty, so this is the first visit of the page in a new server process. The frames it starts
  from (articles, actor frames, story labels) are read from the Parquet files beside the store,
  which ``python -m core extract`` writes after every change of the store; the benchmark writes
  them before the first cold start, as extract would, and prints how long that took;
* filter changes, in that same server and tab right after the cold start: choose a language in the
  sidebar's "Languages" multiselect and press "Apply filters"; then also an actor in "Actors" and
  "Apply filters"; then "Reset filters". The clock runs from the pointer going down on the button
  to the charts redrawn and painted, on the page's clock (from the option itself with a filter bar
  that applies each pick at once, as it did before the bar became a form). What Playwright does
  before it presses (it waits for the element to stop moving and scrolls it into view: 0.03-0.15 s
  here) and its round trips after are printed apart as "driver": a user's click has neither. Each
  filter setting is new to that server process, so the page's selection cache misses every time;
* for comparison, in that server: the page opened again in a new tab (a new session, the browser's
  cache warm), and the page chosen in the sidebar's menu of another page opened in a new tab (how
  a user goes from page to page; the clock runs from the press on the menu entry).

After the pages, each repetition measures ``benchmarks/reference_app.py`` the same way (cold start,
then one press of its button): a title, a button and one small chart, started with plain
``streamlit run``. Its figures are what Streamlit and Plotly alone cost on this machine, the floor
under every page's.

"Charts drawn" means: the app root says ``data-test-script-state=notRunning`` after a run this
change started (watched by a MutationObserver installed before the click), no element is marked
stale, the page has at least its expected number of ``.js-plotly-plot`` charts, and each has its
``.main-svg``. "Painted": two animation frames after that (the first paints the charts); the clock
stops at the end of the second. Screenshots of every state of the first repetition are written to
benchmarks/out/shots/ (look at them: a timing of a page that did not draw is worthless).

The store is written directly with SQLAlchemy (no ingest, no extraction: both are far too slow
for 100k articles), with the shapes of a real one: 10 languages, 40 sources, two years of dates,
stories of several articles sharing actors and dates, ~10 actor mentions per article drawn from the
real dictionary's actors with a Zipf-like popularity, surfaces in the article's language from the
dictionary's aliases, ~1 mentioned date per article, 2 % undated and 3 % cross-source duplicates,
every article marked extracted with the current dictionary version. Texts are SHORT (about
0.5 KB, not the 3 KB of a real article), there are no discovered (non-dictionary) names and no
translations. The store is cached as benchmarks/out/dashboard-<N>.db and reused while its
generator version, size and dictionary version match.

With ``--profile``, the core calls the pages make are also timed in this process on the same
store (cProfile of each, top functions printed).

    PYTHONPATH=. .venv/bin/python benchmarks/dashboard_bench.py                 # 100k articles, 3 repetitions
    PYTHONPATH=. .venv/bin/python benchmarks/dashboard_bench.py --articles 20000 --repeat 1 --pages overview
    PYTHONPATH=. .venv/bin/python benchmarks/dashboard_bench.py --profile-only

It always exits 0: a benchmark, not a test. The machine's load shows in the spread.
"""
from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import hashlib
import io
import json
import os
import pstats
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import traceback
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
OUT = REPO / "benchmarks" / "out"
SHOTS = OUT / "shots"
CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]
GENERATOR_VERSION = 1  # bump when the synthetic store changes shape
COLD_TARGET_S = 3.0
FILTER_TARGET_S = 1.0

# (key, url path, heading, charts the page draws at least)
PAGES = {
    "overview": ("", "Overview", 2),     # volume by language (the open tab), top actors
    "timeline": ("timeline", "Timeline", 1),  # published (the open tab of four views)
    "network": ("network", "Actor network", 1),
    "sources": ("sources", "Sources", 1),  # attention share by source
}
# Views of a page behind its tabs (one chart each), measured after the page's filter changes: the
# switch to each, then a language change and a reset while it is open.
VIEWS = {"timeline": {"Dates the articles mention": "dates", "Attention to actors": "attention",
                      "Stories in several outlets": "stories"}}
VIEW_STEPS = ("language", "reset")
# The smallest page of the same kind (one button, one small chart): its figures are the floor
# that Streamlit and Plotly set on this machine, printed beside the pages' for comparison.
REFERENCE_APP = Path(__file__).resolve().with_name("reference_app.py")
LANGUAGE_CHOICE = ("Russian", "Russian (ru)")
ACTOR_CHOICE = ("Vladimir Putin", "Vladimir Putin (person)")

# --- the synthetic store ------------------------------------------------------------------------

LANGUAGES = {"en": 0.22, "ru": 0.14, "ar": 0.11, "de": 0.09, "fr": 0.09, "uk": 0.08, "fa": 0.08, "he": 0.07,
             "tr": 0.06, "es": 0.06}
FILLER = {
    "en": "the minister said talks on security would continue after the meeting in the capital",
    "ru": "министр заявил что переговоры о безопасности продолжатся после встречи в столице",
    "ar": "قال الوزير إن المحادثات حول الأمن ستستمر بعد الاجتماع في العاصمة",
    "de": "der Minister sagte die Gespräche über Sicherheit würden nach dem Treffen in der Hauptstadt weitergehen",
    "fr": "le ministre a déclaré que les pourparlers sur la sécurité se poursuivraient après la réunion",
    "uk": "міністр заявив що переговори про безпеку продовжаться після зустрічі в столиці",
    "fa": "وزیر گفت که مذاکرات درباره امنیت پس از دیدار در پایتخت ادامه خواهد یافت",
    "he": "השר אמר כי השיחות על הביטחון יימשכו לאחר הפגישה בבירה",
    "tr": "bakan güvenlik görüşmelerinin başkentteki toplantıdan sonra devam edeceğini söyledi",
    "es": "el ministro dijo que las conversaciones sobre seguridad continuarían tras la reunión en la capital",
}
# Put the actors a real corpus names most at the head of the Zipf ranking (the rest: shuffled).
HEADLINERS = ("Q159", "Q212", "Q30", "Q7747", "Q3918234", "Q794", "Q801", "Q148", "Q183", "Q142", "Q43", "Q858",
              "Q219060", "Q8646", "Q7184", "Q458", "Q1065", "Q145", "Q22686", "Q57336")
START_DAY = dt.datetime(2024, 12, 1, tzinfo=dt.timezone.utc)
DAYS = 730
SOURCES_PER_LANGUAGE = 4


def store_path(articles: int) -> Path:
    return OUT / f"dashboard-{articles}.db"


def _meta_path(path: Path) -> Path:
    return path.with_suffix(".json")


def _wanted_meta(articles: int, version: str) -> dict:
    return {"generator": GENERATOR_VERSION, "articles": articles, "dictionary_version": version}


def ensure_store(articles: int, rebuild: bool) -> Path:
    from core import config
    from core.actors import extraction
    version = extraction.dictionary_version(config.ACTORS_DIR, config.CORRECTIONS_FILE)
    path, meta = store_path(articles), _meta_path(store_path(articles))
    wanted = _wanted_meta(articles, version)
    if not rebuild and path.exists() and meta.exists():
        try:
            if json.loads(meta.read_text()) == wanted:
                print(f"store: reusing {path.relative_to(REPO)} ({articles} articles, dictionary {version})")
                return path
        except ValueError:
            pass
    for stale in (path, meta, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        stale.unlink(missing_ok=True)
    started = time.perf_counter()
    counts = build_store(path, articles, version)
    meta.write_text(json.dumps(wanted))
    print(f"store: built {path.relative_to(REPO)} in {time.perf_counter() - started:.0f} s: "
          + ", ".join(f"{v} {k}" for k, v in counts.items()))
    return path


def build_store(path: Path, n: int, version: str, seed: int = 20261202) -> dict:
    """Write N synthetic articles, their mentions, mentioned dates and extraction marks."""
    import numpy as np

    from core import config, schema
    from core.actors import actor_dictionary
    from core.store import database

    rng = random.Random(seed)
    nrng = np.random.default_rng(seed)
    dictionary = actor_dictionary.load(config.ACTORS_DIR, config.CORRECTIONS_FILE)
    ids = list(dictionary.actors["actor_id"])
    head = [a for a in HEADLINERS if a in set(ids)]
    rest = [a for a in ids if a not in set(head)]
    rng.shuffle(rest)
    ranked = head + rest
    weights = 1.0 / np.arange(1, len(ranked) + 1) ** 1.07
    weights /= weights.sum()
    names = dictionary.actors.set_index("actor_id")["name"].to_dict()
    aliases: dict[tuple[str, str], list[str]] = {}
    for row in dictionary.aliases.itertuples(index=False):
        aliases.setdefault((row.actor_id, row.language), []).append(row.alias)

    def surface(actor: str, lang: str) -> str:
        found = aliases.get((actor, lang)) or aliases.get((actor, "en")) or [names[actor]]
        return rng.choice(found)

    languages = list(LANGUAGES)
    lang_weights = [LANGUAGES[code] for code in languages]
    sources = [(f"{code.upper()} Outlet {k + 1}", code) for code in languages for k in range(SOURCES_PER_LANGUAGE)]
    stories = []
    for _ in range(max(1, n // 4)):
        core_size = rng.randint(2, 4)
        core = list(dict.fromkeys(ranked[i] for i in nrng.choice(len(ranked), size=core_size + 2, p=weights)))[:core_size]
        stories.append({"actors": core, "day": rng.random() * DAYS, "first": None})

    url = f"sqlite:///{path}"
    engine = database.connect(url)
    now = dt.datetime.now(dt.timezone.utc)
    counts = {"articles": 0, "mentions": 0, "mentioned dates": 0}
    batch_articles, batch_mentions, batch_dates, batch_done = [], [], [], []

    def flush(conn) -> None:
        if batch_articles:
            conn.execute(schema.articles.insert(), batch_articles)
            conn.execute(schema.extractions.insert(), batch_done)
        if batch_mentions:
            conn.execute(schema.mentions.insert(), batch_mentions)
        if batch_dates:
            conn.execute(schema.mentioned_dates.insert(), batch_dates)
        for batch in (batch_articles, batch_mentions, batch_dates, batch_done):
            batch.clear()

    # One transaction, in WAL mode with synchronous=NORMAL (database.connect): a PRAGMA
    # synchronous inside it is refused by SQLite, and outside it would gain little.
    with engine.begin() as conn:
        for i in range(n):
            lang = rng.choices(languages, lang_weights)[0]
            source = rng.choice([s for s, code in sources if code == lang])
            article_id = hashlib.sha256(f"bench-{seed}-{i}".encode()).hexdigest()[:32]
            story = rng.choice(stories) if rng.random() < 0.7 else None
            extra = rng.randint(3, 5) if story else rng.randint(5, 8)
            drawn = [ranked[k] for k in nrng.choice(len(ranked), size=extra, p=weights)]
            actors = list(dict.fromkeys((story["actors"] if story else []) + drawn))
            day = (story["day"] + nrng.normal(0, 1.5)) if story else rng.random() * DAYS
            day = min(max(day, 0.0), DAYS - 0.01)
            undated = rng.random() < 0.02
            published = None if undated else START_DAY + dt.timedelta(days=day)
            duplicate_of = None
            if story is not None:
                if story["first"] is None:
                    story["first"] = (article_id, source)
                elif story["first"][1] != source and rng.random() < 0.04:
                    duplicate_of = story["first"][0]
            # ~10 mentions: every actor once, the first ones again
            total = max(len(actors), int(nrng.poisson(10)))
            mentioned = actors + [actors[min(int(nrng.exponential(1.5)), len(actors) - 1)] for _ in range(total - len(actors))]
            rng.shuffle(mentioned)
            filler = FILLER[lang].split()
            title_actors = actors[:2]
            title = f"{surface(title_actors[0], lang)} — " + " ".join(rng.sample(filler, 5))
            text_parts, mention_rows, offset, sentence_spans = [], [], 0, []
            for start in range(0, len(mentioned), 3):
                words = rng.sample(filler, min(len(filler), 7))
                sentence, spans = "", []
                for k, actor in enumerate(mentioned[start:start + 3]):
                    written = surface(actor, lang)
                    prefix = " ".join(words[2 * k:2 * k + 2]) + " "
                    sentence += prefix
                    spans.append((actor, len(sentence), len(sentence) + len(written), written))
                    sentence += written + " "
                sentence = sentence.strip() + "."
                for actor, a, b, written in spans:
                    mention_rows.append({"article_id": article_id, "actor_id": actor, "field": "text",
                                         "start": offset + a, "end": offset + b, "surface": written,
                                         "sentence": sentence, "method": "alias", "confidence": 1.0, "name_key": None})
                sentence_spans.append((offset, sentence))
                text_parts.append(sentence)
                offset += len(sentence) + 2
            text = "\n\n".join(text_parts)
            batch_mentions.extend(mention_rows)
            for _ in range(int(nrng.poisson(1.0))):
                base = (published or (START_DAY + dt.timedelta(days=day))).date()
                when = base - dt.timedelta(days=rng.choice((0, 0, 1, 1, 2, 3, 7)))
                at, sentence = rng.choice(sentence_spans)
                written = when.strftime("%d.%m.%Y")
                batch_dates.append({"article_id": article_id, "date": when, "kind": "absolute", "field": "text",
                                    "start": at, "end": at + len(written), "surface": written, "sentence": sentence})
            batch_articles.append({
                "article_id": article_id, "source": source, "url": f"https://example.invalid/{source.replace(' ', '-')}/{i}",
                "title": title, "published": published, "published_precision": None if undated else "minute",
                "language": lang, "language_declared": lang, "text": text,
                "content_hash": hashlib.sha256(text.encode()).hexdigest()[:32], "duplicate_of": duplicate_of,
                "origin_file": f"/bench/{source.replace(' ', '_')}.jsonl", "origin_item": i + 1, "format": "jsonl",
                "encoding": "utf-8", "ingested_at": now})
            batch_done.append({"article_id": article_id, "dictionary_version": version})
            counts["articles"] += 1
            counts["mentions"] += len(mention_rows)
            counts["mentioned dates"] += 0
            if len(batch_articles) >= 5000:
                counts["mentioned dates"] += len(batch_dates)
                flush(conn)
        counts["mentioned dates"] += len(batch_dates)
        flush(conn)
        conn.execute(schema.store_meta.insert(), [{"key": "revision", "value": 1}])
    engine.dispose()
    return counts


# --- the app and the browser --------------------------------------------------------------------

def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """``python serve.py`` (what scripts/dashboard.sh starts: ``streamlit run app.py`` after reading
    the store's frames into the server) on 127.0.0.1 against the benchmark store."""

    def __init__(self, db: Path, log: Path, reference: bool = False, code: Path = REPO, deadline_s: float = 90):
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = log
        env = dict(os.environ, GEOWIRE_DB=str(db), GEOWIRE_SAMPLE_CORPUS="0",
                   GEOWIRE_CONFIG=str(OUT / "no-settings.toml"),
                   PYTHONPATH=os.pathsep.join(filter(None, [str(code), os.environ.get("PYTHONPATH")])))
        self.log = open(log, "wb")
        start = ([sys.executable, "-m", "streamlit", "run", str(REFERENCE_APP)] if reference
                 else [sys.executable, str(code / "serve.py")])
        self.process = subprocess.Popen(
            [*start, "--server.port", str(self.port), "--server.address", "127.0.0.1", "--server.headless", "true"],
            cwd=code, env=env, stdout=self.log, stderr=subprocess.STDOUT)
        started = time.perf_counter()
        deadline = time.time() + deadline_s
        while time.time() < deadline:
            try:
                if urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2).status == 200:
                    self.ready_s = time.perf_counter() - started
                    return
            except OSError:
                time.sleep(0.25)
        self.stop()
        raise RuntimeError(f"the app did not answer on /_stcore/health within {deadline_s:g} s (log: {log})")

    def cpu_seconds(self) -> float:
        """CPU time (user + system) the server process has used so far."""
        try:
            fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
            return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        except (OSError, IndexError, ValueError):
            return float("nan")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()


# True when the last run finished (after the change, if one is watched), nothing is stale and the
# page's charts are all drawn. ``expected``: the number of Plotly charts, or {plots, grids} for a
# page whose tables (st.dataframe's grid, drawn on a canvas) are part of what it shows.
_DRAWN = """(expected) => {
  const want = typeof expected === 'number' ? {plots: expected, grids: 0} : expected;
  const app = document.querySelector('[data-testid="stApp"]');
  if (!app || app.getAttribute('data-test-script-state') !== 'notRunning') return false;
  if (window.__bench && !window.__bench.done) return false;
  if (document.querySelector('[data-stale="true"], [data-drawing="true"]')) return false;
  if (document.querySelector('[data-testid="stException"]')) return 'exception';
  const plots = [...document.querySelectorAll('.js-plotly-plot')];
  if (plots.length < want.plots) return false;
  if (!plots.every(p => p.querySelector('.main-svg') && p._fullLayout)) return false;
  // A grid in a tab not open may never draw its canvas: enough grids drawn, not every one.
  const grids = [...document.querySelectorAll('[data-testid="stDataFrame"]')]
    .filter(g => g.querySelector('canvas[data-testid="data-grid-canvas"]')).length;
  if (grids < want.grids) return false;
  window.__drawnAt = performance.now();
  if (window.__bench) window.__bench.drawn = window.__drawnAt;
  return {plots: plots.length, grids: grids};
}"""

_WATCH = """() => {
  const app = document.querySelector('[data-testid="stApp"]');
  if (window.__benchObserver) window.__benchObserver.disconnect();
  window.__bench = {running: false, done: false, press: null, run: null, end: null, drawn: null, painted: null};
  // The user's action starts when the pointer goes down on the option or button (the selection
  // and the click come after it).
  document.addEventListener('pointerdown', () => { if (window.__bench.press === null) window.__bench.press = performance.now(); },
                            {capture: true, once: true});
  // The selection's caption ("N of M articles · ..."), where the page has one.
  const caption = () => ([...document.querySelectorAll('[data-testid="stCaptionContainer"]')]
    .map(e => e.textContent).find(t => t.includes(' articles ·')) || null);
  window.__bench.caption = caption();
  // A quick run can start and end between two calls of the observer: the records' old values
  // still show that it ran. When the browser is slow, every message of a run can arrive at once
  // and the app root is never marked running (its states are rendered in one batch): the run is
  // then seen by the page it changed, its caption, and its start and end are not known apart.
  window.__benchObserver = new MutationObserver((records) => {
    if (window.__bench.done) return;
    const now = performance.now();
    const state = app.getAttribute('data-test-script-state');
    const ran = state === 'running' || records.some(r => r.attributeName === 'data-test-script-state' && r.oldValue === 'running');
    if (ran && !window.__bench.running) { window.__bench.running = true; window.__bench.run = now; }
    // (A page being left has no caption for a moment: not a change.)
    const shown = window.__bench.caption === null ? null : caption();
    if (!window.__bench.running && state === 'notRunning' && window.__bench.press !== null
        && shown !== null && shown !== window.__bench.caption) {
      window.__bench.running = true; window.__bench.unseen = true;
    }
    if (window.__bench.running && state === 'notRunning') { window.__bench.done = true; window.__bench.end = now; }
  });
  window.__benchObserver.observe(app, {attributes: true, attributeOldValue: true, attributeFilter: ['data-test-script-state'],
                                       childList: true, subtree: true, characterData: true});
}"""

# Installed in every page before its scripts: when the app root first appeared, when the first run
# started and ended (milliseconds since navigation), to split a cold start into its phases.
_MARKS = """(() => {
  const marks = {}; window.__marks = marks;
  const timer = setInterval(() => {
    const app = document.querySelector('[data-testid="stApp"]');
    if (!app) return;
    if (!('app' in marks)) marks.app = performance.now();
    const state = app.getAttribute('data-test-script-state');
    if (state === 'running' && !('run' in marks)) marks.run = performance.now();
    if (state === 'notRunning' && 'run' in marks && !('end' in marks)) { marks.end = performance.now(); clearInterval(timer); }
  }, 20);
})();"""

# Two animation frames after the charts are in the page: the first paints them. Their end is the
# "painted" mark every measurement stops at, on the page's own clock.
_FRAMES = """() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(() => {
  const now = performance.now(); window.__paintedAt = now; if (window.__bench) window.__bench.painted = now; r(now);
})))"""


def wait_drawn(tab, expected: int | dict, timeout_s: float) -> int:
    """Wait for the page drawn (``expected``: as _DRAWN takes it) and painted; the charts drawn."""
    drawn = tab.wait_for_function(_DRAWN, arg=expected, timeout=timeout_s * 1000, polling="raf").json_value()
    if drawn == "exception":
        raise RuntimeError("the page shows an exception")
    tab.evaluate(_FRAMES)
    return int(drawn["plots"])


def caption(tab) -> str:
    found = tab.get_by_text(" articles ·").first
    return found.inner_text() if found.count() else "(no caption)"


def _sidebar_multiselect(tab, label: str):
    return tab.locator('[data-testid="stSidebar"] [data-testid="stMultiSelect"]').filter(
        has=tab.get_by_text(label, exact=True))


def choose(tab, label: str, typed: str, option: str):
    """Open a sidebar multiselect, type, and return the option to click (the clock starts at the click)."""
    box = _sidebar_multiselect(tab, label)
    field = box.locator("input")
    field.click()
    field.fill(typed)
    found = tab.get_by_role("option", name=option).first
    found.wait_for(timeout=30_000)
    return found


def timed_change(tab, expected: int | dict, act, timeout_s: float) -> tuple[float, dict]:
    """Seconds from the pointer going down for ``act`` (a click) to the charts redrawn and painted,
    on the page's clock, and its phases: press to run started, the run, run ended to charts drawn;
    "driver" is what Playwright adds around it (its checks before it presses, its round trips)."""
    tab.evaluate(_WATCH)
    started = time.perf_counter()
    act()
    try:
        tab.wait_for_function("() => window.__bench.running", timeout=30_000, polling="raf")
    except Exception:
        raise RuntimeError("the click started no run within 30 s") from None
    wait_drawn(tab, expected, timeout_s)
    wall = time.perf_counter() - started
    marks = tab.evaluate("() => window.__bench")
    if not all(marks.get(k) is not None for k in ("press", "end", "drawn", "painted", *(() if marks.get("unseen") else ("run",)))):
        return wall, {}
    seconds = (marks["painted"] - marks["press"]) / 1000
    if marks.get("unseen"):  # the run seen only by what it changed (_WATCH)
        return seconds, {"press→run ended (unseen)": (marks["end"] - marks["press"]) / 1000,
                         "end→drawn": (marks["drawn"] - marks["end"]) / 1000, "driver": wall - seconds}
    return seconds, {"press→run": (marks["run"] - marks["press"]) / 1000, "run": (marks["end"] - marks["run"]) / 1000,
                     "end→drawn": (marks["drawn"] - marks["end"]) / 1000, "driver": wall - seconds}


def cold_phases(tab) -> dict:
    marks = tab.evaluate("() => Object.assign({drawn: window.__drawnAt}, window.__marks || {})")
    if not all(marks.get(k) is not None for k in ("app", "run", "end", "drawn")):
        return {}
    return {"nav→app": marks["app"] / 1000, "app→run": (marks["run"] - marks["app"]) / 1000,
            "run": (marks["end"] - marks["run"]) / 1000, "end→drawn": (marks["drawn"] - marks["end"]) / 1000}


def _cold_start(tab, server: Server, url: str, expected: int | dict, timeout_s: float, result: dict,
                measure: str = "cold") -> int:
    """Open ``url`` in a fresh tab until its charts are drawn and painted: the time (on the page's
    clock, which starts with the navigation) and its phases go into ``result`` under ``measure``;
    returns how many charts were drawn."""
    cpu = server.cpu_seconds()
    started = time.perf_counter()
    tab.goto(url, wait_until="commit")
    charts = wait_drawn(tab, expected, timeout_s)
    wall = time.perf_counter() - started
    painted = tab.evaluate("() => window.__paintedAt")
    result[measure] = painted / 1000 if painted is not None else wall
    result["phases"][measure] = {**cold_phases(tab), "driver": wall - result[measure], "server CPU": server.cpu_seconds() - cpu}
    return charts


def measure_page(browser, db: Path, key: str, repetition: int, keep: bool, timeout_s: float) -> dict:
    path, heading, expected = PAGES[key]
    shots = repetition == 0 or keep
    server = Server(db, OUT / f"server-{key}-{repetition}.log")
    result = {"page": key, "cold": None, "changes": {}, "phases": {}, "notes": []}
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.add_init_script(_MARKS)
    tab = context.new_page()
    try:
        charts = _cold_start(tab, server, f"{server.url}/{path}", expected, timeout_s, result)
        result["notes"].append(f"server ready (started to answering its health check) in {server.ready_s:.1f} s")
        result["notes"].append(f"cold: {charts} charts, caption {caption(tab)!r}")
        if shots:
            tab.screenshot(path=SHOTS / f"{key}-{repetition}-0-cold.png", full_page=True)
        for number, step in enumerate(("language", "+ actor", "reset"), start=1):
            cpu = server.cpu_seconds()
            seconds, phases = _timed_step(tab, expected, step, timeout_s)
            result["changes"][step] = seconds
            result["phases"][step] = {**phases, "server CPU": server.cpu_seconds() - cpu}
            result["notes"].append(f"{step}: caption {caption(tab)!r}")
            if shots:
                tab.screenshot(path=SHOTS / f"{key}-{repetition}-{number}-{step.strip('+ ')}.png", full_page=True)
        for label, view in VIEWS.get(key, {}).items():
            cpu = server.cpu_seconds()
            seconds, phases = timed_change(tab, expected, tab.get_by_role("tab", name=label).click, timeout_s)
            result["changes"][f"→ {view}"] = seconds
            result["phases"][f"→ {view}"] = {**phases, "server CPU": server.cpu_seconds() - cpu}
            for step in VIEW_STEPS:
                cpu = server.cpu_seconds()
                seconds, phases = _timed_step(tab, expected, step, timeout_s)
                result["changes"][f"{view}: {step}"] = seconds
                result["phases"][f"{view}: {step}"] = {**phases, "server CPU": server.cpu_seconds() - cpu}
            if shots:
                tab.screenshot(path=SHOTS / f"{key}-{repetition}-view-{view}.png", full_page=True)
        # The same page in a new tab of the same browser: a new session, as for a reload or a
        # copied link, but with the browser's cache (and its compiled scripts) warm.
        _cold_start(context.new_page(), server, f"{server.url}/{path}", expected, timeout_s, result, "reopen")
        menu_tab = context.new_page()
        _from_menu(menu_tab, server, key, timeout_s, result)
        if shots:
            menu_tab.screenshot(path=SHOTS / f"{key}-{repetition}-menu.png", full_page=True)
    except Exception as err:  # a benchmark reports what failed and goes on
        result["notes"].append(f"FAILED: {type(err).__name__}: {str(err).splitlines()[0] if str(err) else ''}")
        try:
            tab.screenshot(path=SHOTS / f"{key}-{repetition}-failed.png", full_page=True)
        except Exception:
            pass
    finally:
        context.close()
        server.stop()
        if not keep:
            server.log_path.unlink(missing_ok=True)
    return result


def _from_menu(tab, server: Server, key: str, timeout_s: float, result: dict) -> None:
    """Another page opened in a new session, then this one chosen in the sidebar's menu: how a user
    goes from page to page. The clock runs from the press on the menu entry to this page's charts
    painted (the browser's cache is warm, this page is new to the session)."""
    before = "timeline" if key == "overview" else "overview"
    tab.goto(f"{server.url}/{PAGES[before][0]}", wait_until="commit")
    wait_drawn(tab, PAGES[before][2], timeout_s)
    _, heading, expected = PAGES[key]
    entry = tab.locator('[data-testid="stSidebar"]').get_by_role("link", name=heading, exact=True)
    cpu = server.cpu_seconds()
    seconds, phases = timed_change(tab, expected, entry.click, timeout_s)
    shown = tab.locator("h1").first.inner_text()
    if shown != heading:
        raise RuntimeError(f"the menu entry {heading!r} opened {shown!r}")
    result["menu"] = seconds
    result["phases"]["menu"] = {**phases, "server CPU": server.cpu_seconds() - cpu}


def measure_reference(browser, db: Path, repetition: int, timeout_s: float) -> dict:
    """The reference page (REFERENCE_APP) measured like a page: cold start in a fresh server and
    browser context, then one press of its button."""
    server = Server(db, OUT / f"server-reference-{repetition}.log", reference=True)
    result = {"page": "reference", "cold": None, "changes": {}, "phases": {}, "notes": []}
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.add_init_script(_MARKS)
    tab = context.new_page()
    try:
        _cold_start(tab, server, server.url, 1, timeout_s, result)
        button = tab.get_by_role("button", name="Shift the bars")
        cpu = server.cpu_seconds()
        seconds, phases = timed_change(tab, 1, button.click, timeout_s)
        result["changes"]["change"] = seconds
        result["phases"]["change"] = {**phases, "server CPU": server.cpu_seconds() - cpu}
    except Exception as err:  # a benchmark reports what failed and goes on
        result["notes"].append(f"FAILED: {type(err).__name__}: {str(err).splitlines()[0] if str(err) else ''}")
    finally:
        context.close()
        server.stop()
        server.log_path.unlink(missing_ok=True)
    return result


def _timed_step(tab, expected: int, step: str, timeout_s: float) -> tuple[float, dict]:
    """One filter change, timed (see timed_change)."""
    return checked(tab, step, lambda: _change(tab, expected, step, timeout_s))


def checked(tab, step: str, change):
    """What ``change()`` returns, having checked that it changed the selection's caption: a change
    that leaves it as it was measured nothing, and fails."""
    before = caption(tab)
    measured = change()
    if caption(tab) == before:
        raise RuntimeError(f"{step}: the selection did not change ({before!r})")
    return measured


def press_button(tab, expected: int | dict, name: str, timeout_s: float) -> tuple[float, dict]:
    """Press the button ``name`` (a click on the page title first closes any open box: a click
    that only closes a dropdown would not press it), timed as timed_change does."""
    button = tab.get_by_role("button", name=name)
    tab.locator("h1").first.click()
    tab.wait_for_timeout(300)
    return timed_change(tab, expected, button.click, timeout_s)


def _change(tab, expected: int, step: str, timeout_s: float) -> tuple[float, dict]:
    # Opening a box, typing into it and picking the option is not part of the change when the
    # filter bar applies its choices with a button: the clock starts at the press on "Apply
    # filters" (or on the option itself, where a pick applies at once). Before a button, a click on
    # the page title closes any open box (a click that only closes a dropdown would not press it).
    if step in ("language", "+ actor"):
        label, choice = ("Languages", LANGUAGE_CHOICE) if step == "language" else ("Actors", ACTOR_CHOICE)
        # Counted before the box opens: its open list hides the rest of the page from the
        # accessibility tree, and so from a search by role.
        apply = tab.get_by_role("button", name="Apply filters")
        applies = apply.count()
        option = choose(tab, label, *choice)
        if not applies:
            measured = timed_change(tab, expected, option.click, timeout_s)
            tab.keyboard.press("Escape")  # close the dropdown left open (after the clock stopped)
            return measured
        option.click()
        tab.keyboard.press("Escape")
        return press_button(tab, expected, "Apply filters", timeout_s)
    return press_button(tab, expected, "Reset filters", timeout_s)


# --- the profile of the core calls --------------------------------------------------------------

def profile_core(db: Path, top: int = 12) -> list[tuple[str, float]]:
    """Time (and cProfile) the core calls the pages make, in this process, on the benchmark store:
    what a cold start loads, and what each page computes on every run, unfiltered and filtered."""
    from core import config
    from core.actors import actor_dictionary, frames, resolution
    from core.analysis import cooccurrence, filtering, passages, ranking, reading, sources, story_grouping, timelines
    from core.charts import by_actor, graph
    from core.store import database, frame_cache, reads, translation_memory
    from core.translate import translated

    engine = database.connect(f"sqlite:///{db}")
    timings: list[tuple[str, float]] = []
    profiles: dict[str, str] = {}

    def timed(label: str, call, profile: bool = True):
        profiler = cProfile.Profile() if profile else None
        started = time.perf_counter()
        if profiler:
            profiler.enable()
        value = call()
        if profiler:
            profiler.disable()
        seconds = time.perf_counter() - started
        timings.append((label, seconds))
        print(f"  {seconds:7.2f} s  {label}", flush=True)
        if profiler and seconds >= 0.3:
            text = io.StringIO()
            pstats.Stats(profiler, stream=text).sort_stats("cumulative").print_stats(top)
            profiles[label] = text.getvalue()
        return value

    print("\nCore calls on the benchmark store (one process, wall seconds, cProfile on; cProfile adds overhead "
          "to Python-heavy calls):")
    dictionary = timed("actor_dictionary.load (cached per process by the app)",
                       lambda: actor_dictionary.load(config.ACTORS_DIR, config.CORRECTIONS_FILE), profile=False)
    articles = timed("store.load_articles", lambda: reads.load_articles(engine))
    translations = timed("store.load_translations(en)", lambda: translation_memory.load_translations(engine, "en"))
    articles = timed("translated.with_translations", lambda: translated.with_translations(articles, translations, "en"))
    mentions_raw = timed("  of which reads.load_mentions", lambda: reads.load_mentions(engine))
    timed("  of which resolution.resolve", lambda: resolution.resolve(mentions_raw, dictionary))
    # Through the frame cache, as the app reads them: how a frame is read decides how fast rows are
    # taken from it (core/store/frame_cache.py).
    cache = Path(tempfile.mkdtemp(prefix="geowire-profile-"))
    found, mentions, dates = timed("frames.actor_frames, written to and read from the frame cache",
                                   lambda: frame_cache.cached(cache, "actors", "profile", ("actors", "mentions", "dates"),
                                                              lambda: frames.actor_frames(engine, dictionary)))
    shutil.rmtree(cache, ignore_errors=True)
    print(f"  ({len(articles)} articles, {len(mentions)} mentions, {len(found)} actors, {len(dates)} mentioned dates)")
    timed("filter bar: spellings per actor (ranking.spellings)", lambda: ranking.spellings(mentions, limit=4))
    labels = timed("story_labels (whole corpus, once per store revision, kept as Parquet)",
                   lambda: story_grouping.story_labels(articles, mentions))
    settings = {
        "no filter": filtering.Filters(),
        "language ru": filtering.Filters(languages=("ru",)),
        "language ru + Putin": filtering.Filters(languages=("ru",), actors=("Q7747",)),
    }
    for name, filters in settings.items():
        print(f" filters: {name}")
        selected = timed(f"[{name}] filter_articles", lambda: filtering.filter_articles(articles, filters, mentions, found))
        print(f"  ({len(selected)} articles selected)")
        timed(f"[{name}] overview", lambda: filtering.overview(selected), profile=False)
        timed(f"[{name}] volume(language, week)", lambda: timelines.volume(selected, "language", "week"))
        timed(f"[{name}] volume(source, week)", lambda: timelines.volume(selected, "source", "week"))
        top20 = timed(f"[{name}] top_actors(20)", lambda: ranking.top_actors(selected, mentions, found, limit=20))
        timed(f"[{name}] top_actors(200) (network page)", lambda: ranking.top_actors(selected, mentions, found, limit=200))
        timed(f"[{name}] pending_translation", lambda: reading.pending_translation(selected), profile=False)
        timed(f"[{name}] mentioned_dates_timeline", lambda: timelines.mentioned_dates_timeline(selected, dates))
        chosen = list(top20["actor_id"].head(4))
        timed(f"[{name}] attention(4 actors, week)", lambda: timelines.attention(selected, mentions, found, chosen, "week"))
        timed(f"[{name}] story_groups(20 largest, corpus labels)",
              lambda: story_grouping.story_groups(selected, mentions, found, labels=labels, limit=20))
        network = timed(f"[{name}] cooccurrence_network(min_weight=2)",
                        lambda: cooccurrence.cooccurrence_network(selected, mentions, found, min_weight=2))
        timed(f"[{name}] network_chart", lambda: graph.network_chart(network))
        timed(f"[{name}] source_volume", lambda: sources.source_volume(selected))
        share = timed(f"[{name}] attention_share(8 actors)",
                      lambda: sources.attention_share(selected, mentions, found, actor_ids=list(top20["actor_id"].head(8))))
        timed(f"[{name}] attention_share_chart", lambda: by_actor.attention_share_chart(share))
        actor = top20["actor_id"].iloc[0] if len(top20) else "Q7747"
        shown = timed(f"[{name}] outlet_passages(top actor, 6 outlets x 3) (Sources page)",
                      lambda: passages.outlet_passages(selected, mentions, actor, 6, 3).shown)
        timed(f"[{name}]   translated_passages(those 18)", lambda: translated.translated_passages(shown, selected))
        about = timed(f"[{name}] actor_mentions(top actor) (Sources' data download from here)",
                      lambda: passages.actor_mentions(selected, mentions, actor))
        about = timed(f"[{name}] translated_passages(top actor)",
                      lambda: about.assign(sentence_translated=translated.translated_passages(about, selected)))
        timed(f"[{name}] actor_sentences(top actor)", lambda: passages.actor_sentences(selected, about, actor))
    print("\ncProfile of the calls over 0.3 s (cumulative, top functions):")
    for label, text in profiles.items():
        lines = [line for line in text.splitlines() if line.strip()]
        start = next((i for i, line in enumerate(lines) if line.lstrip().startswith("ncalls")), 0)
        print(f"\n== {label}")
        print("\n".join(lines[start:start + top + 1]))
    engine.dispose()
    return timings


# --- report -------------------------------------------------------------------------------------

def _spread(values: list[float]) -> str:
    if not values:
        return f"{'-':>6} {'-':>6} {'-':>6}"
    return f"{min(values):6.2f} {statistics.median(values):6.2f} {max(values):6.2f}"


def _verdict(values: list[float], target: float, runs: int) -> str:
    if not values:
        return "no measurement"
    worst = max(values)
    missing = f" ({runs - len(values)} of {runs} failed)" if len(values) < runs else ""
    if worst <= target:
        return f"met (max <= {target:g} s){missing}"
    if statistics.median(values) <= target:
        return f"median met, max not (target {target:g} s){missing}"
    return f"NOT met (target {target:g} s){missing}"


def report(results: list[dict], pages: list[str], runs: int) -> None:
    print(f"\nSeconds, min / median / max over {runs} repetition(s); targets: cold start <= {COLD_TARGET_S:g} s, "
          f"filter change <= {FILTER_TARGET_S:g} s")
    print(f"{'page':<10} {'measure':<24} {'min':>6} {'median':>6} {'max':>6}  target")
    for key in pages:
        mine = [r for r in results if r["page"] == key]
        cold = [r["cold"] for r in mine if r["cold"] is not None]
        print(f"{key:<10} {'cold start':<24} {_spread(cold)}  {_verdict(cold, COLD_TARGET_S, runs)}")
        reopened = [r["reopen"] for r in mine if r.get("reopen") is not None]
        if reopened:
            print(f"{'':<10} {'new tab, cache warm':<24} {_spread(reopened)}  (for comparison: not the target's fresh browser)")
        from_menu = [r["menu"] for r in mine if r.get("menu") is not None]
        if from_menu:
            print(f"{'':<10} {'from the menu':<24} {_spread(from_menu)}  (for comparison: in-app, from another page)")
        if key == "reference":
            values = [r["changes"]["change"] for r in mine if "change" in r["changes"]]
            print(f"{'':<10} {'button press':<24} {_spread(values)}  (the floor: {REFERENCE_APP.name})")
            continue
        every = []
        for step in ("language", "+ actor", "reset"):
            values = [r["changes"][step] for r in mine if step in r["changes"]]
            every += values
            print(f"{'':<10} {'filter: ' + step:<24} {_spread(values)}  {_verdict(values, FILTER_TARGET_S, runs)}")
        print(f"{'':<10} {'filter: all changes':<24} {_spread(every)}  {_verdict(every, FILTER_TARGET_S, runs * 3)}")
        for view in VIEWS.get(key, {}).values():
            for step in (f"→ {view}", *(f"{view}: {s}" for s in VIEW_STEPS)):
                values = [r["changes"][step] for r in mine if step in r["changes"]]
                print(f"{'':<10} {step:<24} {_spread(values)}  {_verdict(values, FILTER_TARGET_S, runs)}")
    print("\nWhere the time goes, medians in seconds, measured in the page: nav→app = navigation to the app shell; "
          "app→run / press→run = until the server starts the script run; run = the run, with the elements drawn as "
          "they arrive; end→drawn = run ended to every chart drawn; server CPU = CPU seconds the streamlit process used (less "
          "sensitive than wall time to the other workers on this machine); driver = what Playwright added around the "
          "measurement (its checks before it presses, its round trips), not counted in the times above")
    for key in pages:
        mine = [r for r in results if r["page"] == key]
        steps = ["cold", "reopen", "menu", "language", "+ actor", "reset", "change"]
        steps += [step for view in VIEWS.get(key, {}).values() for step in (f"→ {view}", *(f"{view}: {s}" for s in VIEW_STEPS))]
        for step in steps:
            found = [r["phases"][step] for r in mine if r["phases"].get(step)]
            if found:
                names = list(dict.fromkeys(name for p in found for name in p))
                parts = ", ".join(f"{name} {statistics.median(p[name] for p in found if name in p):.2f}" for name in names)
                print(f"{key:<10} {step:<18} {parts}")


def _cpu_model() -> str:
    """The host's CPU as the virtual machine reports it: machines of this kind land on hosts whose
    speed differs by up to twice, so figures compare only between runs on the same model."""
    try:
        first_cpu = Path("/proc/cpuinfo").read_text().split("\n\n", 1)[0]
    except OSError:
        return "CPU unknown"
    fields = {key.strip(): value.strip() for key, _, value in (line.partition(":") for line in first_cpu.splitlines())}
    return f"{fields.get('model name', 'CPU unknown')}, family {fields.get('cpu family', '?')} model {fields.get('model', '?')}"


def _cpu_times() -> list[int] | None:
    """The machine's CPU time counters (/proc/stat: user, nice, system, idle, iowait, irq, softirq,
    steal), or None off Linux."""
    try:
        return [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]]
    except (OSError, ValueError):
        return None


def _cpu_share(before: list[int] | None, after: list[int] | None) -> str:
    """How busy the machine's CPUs were between two readings (the benchmark's own browser and server
    included), and how much time the hypervisor gave to other virtual machines ("steal"), which
    the load average does not show."""
    if not before or not after:
        return "unknown"
    spent = [b - a for a, b in zip(before, after)]
    total = sum(spent) or 1
    busy = total - spent[3] - spent[4] - spent[7]
    return f"CPUs busy {busy / total:.0%}, stolen by other machines {spent[7] / total:.0%}"


def _git_state() -> str:
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "core", "ui", "pages", "app.py"], cwd=REPO,
                               capture_output=True, text=True).stdout.split("\n")
        changed = [line[3:] for line in dirty if line.strip()]
        return head + (f" with uncommitted changes in {', '.join(changed)}" if changed else "")
    except OSError:
        return "unknown"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=100_000, help="synthetic articles in the store (default 100000)")
    parser.add_argument("--repeat", type=int, default=3, help="repetitions of every measurement (default 3)")
    parser.add_argument("--pages", default=",".join(PAGES), help=f"comma-separated, of {', '.join(PAGES)}")
    parser.add_argument("--keep", action="store_true",
                        help="keep the server logs and the screenshots of every repetition (default: screenshots "
                             "of the first repetition, logs deleted); the store itself is always kept as a cache")
    parser.add_argument("--rebuild", action="store_true", help="write the synthetic store again even if cached")
    parser.add_argument("--timeout", type=float, default=300, help="seconds to wait for a page to draw (default 300)")
    parser.add_argument("--profile", action="store_true", help="after the browser runs, time and profile the core calls")
    parser.add_argument("--profile-only", action="store_true", help="only time and profile the core calls")
    args = parser.parse_args()
    pages = [p for p in args.pages.split(",") if p]
    unknown = [p for p in pages if p not in PAGES]
    if unknown:
        print(f"unknown page(s) {', '.join(unknown)}: choose among {', '.join(PAGES)}")
        return
    OUT.mkdir(parents=True, exist_ok=True)
    SHOTS.mkdir(parents=True, exist_ok=True)
    print(f"Dashboard benchmark · {dt.datetime.now(dt.timezone.utc):%Y-%m-%d %H:%M} UTC · {os.cpu_count()} CPUs "
          f"({_cpu_model()}) · "
          f"load average {os.getloadavg()[0]:.1f} · code {_git_state()}")
    try:
        db = ensure_store(args.articles, args.rebuild)
    except Exception:
        print("could not build the benchmark store:")
        traceback.print_exc(file=sys.stdout)
        return
    try:
        prepare_frames(db)
    except Exception:
        print("could not prepare the dashboard's frames:")
        traceback.print_exc(file=sys.stdout)
        return
    if not args.profile_only:
        if not os.path.exists(CHROMIUM):
            print(f"{CHROMIUM} is missing: scripts/test.sh installs Debian's chromium. Nothing measured in the browser.")
        else:
            run_browser(db, pages, args)
    if args.profile or args.profile_only:
        try:
            profile_core(db)
        except Exception:
            print("the profile failed:")
            traceback.print_exc(file=sys.stdout)


def prepare_frames(db: Path) -> None:
    """What ``python -m core extract`` does after every change of the store: write the frames the
    dashboard starts from. Timed, since a user pays it once per ingest."""
    from core import config
    from core.actors import actor_dictionary, extraction, frames
    from core.store import database
    url = f"sqlite:///{db}"
    engine = database.connect(url)
    version = extraction.dictionary_version(config.ACTORS_DIR, config.CORRECTIONS_FILE)
    cache = config.frames_cache_dir(url)
    wanted = {f"{kind}-{database.revision(engine)}{suffix}" for kind, suffix in
              (("articles", ""), ("actors", f"-{version}"), ("stories", f"-{version}"))}
    ready = cache.exists() and wanted <= {p.name for p in cache.iterdir()}
    started = time.perf_counter()
    frames.prepare_frames(engine, actor_dictionary.load(config.ACTORS_DIR, config.CORRECTIONS_FILE), version, cache)
    print(f"frames for the dashboard (articles, actor frames, story labels as Parquet beside the store): "
          f"{'already written' if ready else f'written in {time.perf_counter() - started:.1f} s'}, "
          f"as `python -m core extract` does after every change of the store")


def run_browser(db: Path, pages: list[str], args) -> None:
    from playwright.sync_api import sync_playwright

    print(f"Measuring {', '.join(pages)} x {args.repeat}: each cold start in a fresh server process; then, in that "
          f"server, Languages += {LANGUAGE_CHOICE[1]!r}, Actors += {ACTOR_CHOICE[1]!r}, Reset filters.")
    results = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        try:
            for repetition in range(args.repeat):
                for key in [*pages, "reference"]:
                    before = _cpu_times()
                    result = (measure_reference(browser, db, repetition, args.timeout) if key == "reference"
                              else measure_page(browser, db, key, repetition, args.keep, args.timeout))
                    results.append(result)
                    result["notes"].append(f"machine during this measurement: {_cpu_share(before, _cpu_times())}")
                    cold = f"{result['cold']:.2f} s" if result["cold"] is not None else "-"
                    changes = ", ".join(f"{step} {seconds:.2f} s" for step, seconds in result["changes"].items())
                    reopened = f", new tab {result['reopen']:.2f} s" if result.get("reopen") is not None else ""
                    reopened += f", from the menu {result['menu']:.2f} s" if result.get("menu") is not None else ""
                    print(f"  run {repetition + 1} {key:<9} cold {cold}{reopened}; {changes or 'no filter change measured'}",
                          flush=True)
                    for note in result["notes"]:
                        print(f"      {note}")
                    for step, phases in result["phases"].items():
                        if phases:
                            print(f"      {step} phases: " + ", ".join(f"{k} {v:.2f} s" for k, v in phases.items()))
        except KeyboardInterrupt:
            print("interrupted: the summary covers the measurements made so far")
        finally:
            browser.close()
    report(results, [*pages, "reference"], args.repeat)
    print(f"Load average at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs (other workers share them).")
    print(f"Screenshots: {SHOTS.relative_to(REPO)}/<page>-<repetition>-<step>.png")


def run_printing_failures(entry) -> None:
    """Run a benchmark's ``entry``; a failure is printed with the figures (they are read as a
    report, so what was measured before it stays on screen) and the script exits 0."""
    try:
        entry()
    except KeyboardInterrupt:
        print("interrupted")
    except Exception:
        traceback.print_exc(file=sys.stdout)
    sys.exit(0)


if __name__ == "__main__":
    run_printing_failures(main)
