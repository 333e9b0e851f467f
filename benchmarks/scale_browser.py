"""scale_bench.py's ``--browser`` mode: every page of the dashboard on a scale store, in Debian's
chromium driven by Playwright, as dashboard_bench.py measures its small stores.

Per page, in a fresh ``python serve.py`` process (its start, until it answers its health check,
is printed apart, with the warm-up it logged) and a fresh browser context:

* the cold start: from the navigation to the page drawn and painted, on the page's own clock;
* then, in that server and tab, each filter change of ``scale_bench.CHANGES`` made as a user
  makes it in the sidebar's filter bar: the dates typed into "From" and "To", an option picked in
  "Languages", "Actors" or "Sources", words typed into "Text contains" (and a language with them),
  then "Apply filters" pressed; the clock runs from the pointer going down on the button to the
  page redrawn and painted (picking and typing run nothing: the bar is a form). Before each change
  but the first, "Reset filters" is pressed and timed too, so that each change starts from the
  unfiltered page and is one user action. Every step must change the caption "N of M articles ·
  …", or it measured nothing: it is reported as FAILED with a screenshot, and the next change
  starts from the page opened anew in the tab (a new session of the same server);
* the server process's VmRSS after the start and after each step, its VmHWM at the end
  (/proc/<pid>/status);
* a screenshot of every state: benchmarks/out/shots/scale-<N>-<page>-<step>.png.

"Drawn" is dashboard_bench's condition (the run this step started ended, nothing stale, no
exception, every Plotly chart with its SVG), with the page's data grids (st.dataframe, drawn on a
canvas) counted as well: the Reader draws no chart, only its table of articles and the tables of
its article's actors and dates.
"""
from __future__ import annotations

import re
import statistics
from pathlib import Path

import dashboard_bench as bench

# (url path, what the page draws when it is done: Plotly charts, st.dataframe grids)
PAGES = {
    "overview": ("", {"plots": 2, "grids": 0}),      # volume by language, top actors; plain HTML tables
    "timeline": ("timeline", {"plots": 1, "grids": 0}),  # the open view: published
    "network": ("network", {"plots": 1, "grids": 1}),    # the network, its actors' table
    "sources": ("sources", {"plots": 1, "grids": 1}),    # volume per source (a table), attention share
    "articles": ("articles", {"plots": 0, "grids": 2}),  # the Reader: the articles, the article's actors
}


def _status(pid: int, field: str) -> float:
    """A VmRSS/VmHWM figure of process ``pid``, in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return float("nan")


class Boxes:
    """The filter bar's boxes as a user fills them: a language code, an actor id and a source are
    found by the label their box shows."""

    def __init__(self, actor_names: dict, language_name):
        self.actor_names = actor_names
        self.language_name = language_name

    def fill(self, tab, change: dict) -> None:
        for key, value in change.items():
            if key in ("from", "to"):
                self._date(tab, "From" if key == "from" else "To", value)
            elif key in ("lang", "actor", "source"):
                label, typed, option = self._option(key, value)
                bench.choose(tab, label, typed, option).click()
                tab.keyboard.press("Escape")  # close the dropdown left open
            elif key == "q":
                tab.get_by_role("textbox", name="Text contains").fill(value)
            else:
                raise ValueError(f"no box of the filter bar for {key!r}")

    def _option(self, key: str, value: str) -> tuple[str, str, str]:
        """The box, what is typed into it and the option picked, for a filter's value."""
        if key == "lang":
            name = self.language_name(value)
            return "Languages", name, f"{name} ({value})"
        if key == "actor":
            name = self.actor_names.get(value, value)
            return "Actors", name, name
        return "Sources", value, value

    @staticmethod
    def _date(tab, label: str, day: str) -> None:
        # Typed, as a user who knows the dates does (the calendar takes a click per month). The box
        # is a date field of three parts (year, month, day); each moves on to the next once full.
        box = tab.locator('[data-testid="stSidebar"] [data-testid="stDateInput"]').filter(
            has=tab.get_by_text(label, exact=True))
        box.get_by_role("spinbutton", name=f"year, {label}").click()
        tab.keyboard.type(day.replace("-", ""))
        shown = box.locator("input").input_value()  # the field's value, as the form sends it
        if shown != day:
            raise RuntimeError(f"the box {label!r} holds {shown!r}, not the day typed, {day!r}")


def measure_page(browser, db: Path, articles: int, key: str, changes: dict, boxes: Boxes, code: Path,
                 timeout_s: float) -> dict:
    """One page in a fresh server: the cold start, then each change (a reset before every one but
    the first), timed; the server's RSS after each step."""
    path, expected = PAGES[key]
    for old in bench.SHOTS.glob(f"scale-{articles}-{key}-*.png"):  # an earlier run's, maybe of other changes
        old.unlink()
    server = bench.Server(db, bench.OUT / f"server-scale-{key}.log", code=code, deadline_s=timeout_s)
    pid = server.process.pid
    result = {"page": key, "ready": server.ready_s, "ready_rss": _status(pid, "VmRSS"), "steps": [], "phases": {},
              "notes": []}
    print(f"    server ready in {server.ready_s:.1f} s (its warm-up: {_warm_up(server) or 'not logged'}), "
          f"RSS {result['ready_rss']:.0f} MB", flush=True)
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.add_init_script(bench._MARKS)
    tab = context.new_page()

    def record(step: str, seconds: float) -> None:
        number = len(result["steps"])
        # The pointer off the button pressed, or its tooltip covers the filter bar in the screenshot.
        tab.mouse.move(1300, 20)
        tab.wait_for_timeout(300)
        result["steps"].append({"step": step, "seconds": seconds, "rss": _status(pid, "VmRSS"),
                                "caption": bench.caption(tab).split(" · ")[0]})
        shot = f"scale-{articles}-{key}-{number:02d}-{step.replace('+', '-and-')}.png"
        tab.screenshot(path=bench.SHOTS / shot, full_page=True)
        print(f"    {key:<9} {step:<14} {seconds:6.2f} s  RSS {result['steps'][-1]['rss']:6.0f} MB  "
              f"{result['steps'][-1]['caption']}", flush=True)

    def failed(err: Exception, name: str) -> None:
        shot = bench.SHOTS / f"scale-{articles}-{key}-{name.replace('+', '-and-')}-failed.png"
        result["notes"].append(f"FAILED ({name}): {type(err).__name__}: {str(err).splitlines()[0] if str(err) else ''} "
                               f"(screenshot {shot.relative_to(bench.REPO)})")
        try:
            tab.screenshot(path=shot, full_page=True)
        except Exception:
            pass

    url = f"{server.url}/{path}"
    try:
        timing = {"phases": {}}
        bench._cold_start(tab, server, url, expected, timeout_s, timing)
        result["phases"]["cold"] = timing["phases"]["cold"]
        record("cold", timing["cold"])
        unfiltered = bench.caption(tab)
        for name, change in changes.items():
            try:
                if bench.caption(tab) != unfiltered:
                    seconds, phases = bench.checked(tab, "reset", lambda: bench.press_button(
                        tab, expected, "Reset filters", timeout_s))
                    result["phases"][f"reset before {name}"] = phases
                    record("reset", seconds)
                seconds, phases = bench.checked(tab, name, lambda: _apply(tab, expected, boxes, change, timeout_s))
                result["phases"][name] = phases
                record(name, seconds)
            except Exception as err:  # reported; the next change starts from the page opened anew
                failed(err, name)
                tab.goto(url, wait_until="commit")  # a new session: no filter, the boxes empty
                bench.wait_drawn(tab, expected, timeout_s)
    except Exception as err:  # a benchmark reports what failed and goes on
        failed(err, "page")
    finally:
        result["hwm"] = _status(pid, "VmHWM")
        context.close()
        server.stop()
        server.log_path.unlink(missing_ok=True)
    return result


def _apply(tab, expected: dict, boxes: Boxes, change: dict, timeout_s: float) -> tuple[float, dict]:
    boxes.fill(tab, change)
    return bench.press_button(tab, expected, "Apply filters", timeout_s)


def _warm_up(server) -> str:
    """What serve.py logged of its start: each page's warm-up run and its time."""
    server.log.flush()
    lines = server.log_path.read_text(errors="replace").splitlines()
    found = [m.groups() for m in (re.match(r"\s+pages/(\w+)\.py: (.*) in ([\d.]+) s", line) for line in lines) if m]
    return ", ".join(f"{page} {seconds} s" + ("" if state == "ready" else f" ({state})") for page, state, seconds in found)


def run(db: Path, articles: int, pages: list[str], changes: dict, code: Path, timeout_s: float) -> list[dict]:
    """Measure ``pages`` in Chromium (see the module's docstring); print as it goes and a summary."""
    from playwright.sync_api import sync_playwright

    from core import config, languages
    from core.actors import actor_dictionary

    if not Path(bench.CHROMIUM).exists():
        print(f"{bench.CHROMIUM} is missing: scripts/test.sh installs Debian's chromium. Nothing measured in the browser.")
        return []
    bench.SHOTS.mkdir(parents=True, exist_ok=True)
    names = actor_dictionary.load(config.ACTORS_DIR, config.CORRECTIONS_FILE).actors.set_index("actor_id")["name"].to_dict()
    boxes = Boxes(names, languages.language_name)
    print(f"  in Chromium ({bench.CHROMIUM}): each page in a fresh serve.py; changes made in the filter bar and "
          f"\"Apply filters\", \"Reset filters\" between them: {', '.join(changes)}", flush=True)
    results = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=bench.CHROMIUM, args=bench.FLAGS)
        try:
            for key in pages:
                print(f"  {key}: starting serve.py", flush=True)
                result = measure_page(browser, db, articles, key, changes, boxes, code, timeout_s)
                print(f"    server's VmHWM at the end {result['hwm']:.0f} MB", flush=True)
                for note in result["notes"]:
                    print(f"    {note}", flush=True)
                results.append(result)
        finally:
            browser.close()
    report(results, articles)
    return results


def report(results: list[dict], articles: int) -> None:
    print(f"\n  Chromium, {articles} articles: seconds from the navigation (cold) or the press on the button to the "
          f"page painted; targets: cold start <= {bench.COLD_TARGET_S:g} s, a filter change <= "
          f"{bench.FILTER_TARGET_S:g} s, server RSS <= 1.5 GB at 1M")
    steps = list(dict.fromkeys(s["step"] for r in results for s in r["steps"]))
    print("  " + f"{'page':<9} " + " ".join(f"{step:>13}" for step in steps) + f" {'RSS max':>8} {'VmHWM':>6}")
    for result in results:
        cells = []
        for step in steps:
            values = [s["seconds"] for s in result["steps"] if s["step"] == step]
            cells.append(f"{max(values):13.2f}" if len(values) == 1 else
                         f"{min(values):6.2f}-{max(values):.2f}" if values else f"{'-':>13}")
        rss = max((s["rss"] for s in result["steps"]), default=float("nan"))
        print("  " + f"{result['page']:<9} " + " ".join(cells) + f" {rss:8.0f} {result['hwm']:6.0f}")
    colds = [s["seconds"] for r in results for s in r["steps"] if s["step"] == "cold"]
    changes = [s["seconds"] for r in results for s in r["steps"] if s["step"] != "cold"]
    worst_rss = max((r["hwm"] for r in results), default=float("nan"))
    failed = [r["page"] for r in results if r["notes"]]
    for label, values, target in (("cold starts", colds, bench.COLD_TARGET_S),
                                  ("filter changes and resets", changes, bench.FILTER_TARGET_S)):
        if values:
            over = sum(v > target for v in values)
            print(f"  {label}: {min(values):.2f}-{max(values):.2f} s (median {statistics.median(values):.2f}); "
                  + ("target met" if not over else f"{over} of {len(values)} over {target:g} s"))
    print(f"  server peak RSS (VmHWM) {worst_rss:.0f} MB" + (f"; FAILED: {', '.join(failed)}" if failed else ""))
    print("  where the time went (seconds; press→run / app→run: until the server started the run; run; end→drawn: "
          "run ended to the page drawn; driver: Playwright's own, not counted):")
    for result in results:
        for step, phases in result["phases"].items():
            if phases:
                print(f"    {result['page']:<9} {step:<14} " + ", ".join(f"{k} {v:.2f}" for k, v in phases.items()))
