"""Charts as files: PNG, SVG and PDF drawn by kaleido in a headless Chromium, and a standalone
HTML page (``figure_bytes``), each with a caption line naming the filters it was drawn under and
the export date (``filters_caption``).

Takes a Plotly figure; gives the bytes of one file. The browser stays open for the life of the
process (``_Renderer``; ``start_renderer`` opens it in advance, ``stop_renderer`` closes it; see
docs/export.md). Nothing is fetched from the network: plotly.js is the copy inside the plotly
package, MathJax is off, and the browser's proxy is a closed local port.
"""
from __future__ import annotations

import asyncio
import atexit
import concurrent.futures
import datetime as dt
import html
import logging
import os
import re
import shutil
import signal
import textwrap
import threading
from collections.abc import Mapping
from pathlib import Path

from core.errors import ExportError
from core.languages import language_name

# kaleido, choreographer and plotly are imported inside the functions that draw, on purpose: only
# a chart export needs them, and importing them costs about 0.2 s that every command line run and
# every data export would otherwise pay. (No import cycle is involved.)

FIGURE_FORMATS = ("png", "svg", "pdf", "html")
_log = logging.getLogger(__name__)

# A report page is about 1200 px wide at 100 % zoom; 700 px high leaves room for a caption.
# PNG is drawn at twice that so it stays sharp when printed or zoomed; vector formats need no scale.
WIDTH, HEIGHT, PNG_SCALE = 1200, 700, 2
# The first export starts Chromium (about 3 s here); later ones take 0.25-0.45 s. A chart that has
# not rendered in this time will not render.
RENDER_TIMEOUT = 60.0
INSTALL_HINT = ("install it with `apt-get install chromium` (Debian/Ubuntu) or set BROWSER_PATH to "
                "a Chrome or Chromium binary; the HTML export works without it")


# A caption line of this many characters fits a 1200 px chart in the caption's 11 px type; a
# longer one (many actors) is wrapped, and cut after CAPTION_LINES lines.
CAPTION_CHARS, CAPTION_LINES, CAPTION_LINE_PX = 190, 3, 15


def filters_caption(filters: Mapping, exported: dt.date, actor_names: Mapping[str, str] | None = None) -> str:
    """One line saying what a chart was drawn under: ``filters`` as ``Filters.to_dict`` gives them
    (actors by their names from ``actor_names``, languages by name), then the export date.
    "Filters: actors Iran, Russia (all of them) · 2024-04-01 to 2024-08-31 · languages Persian ·
    exported 2026-12-07 from Geowire"."""
    names = actor_names or {}
    parts = []
    actors = [names.get(a) or a for a in filters.get("actors") or ()]
    if actors:
        every = " (all of them)" if filters.get("actor_match") == "all" and len(actors) > 1 else ""
        parts.append(f"actor{'s' * (len(actors) > 1)} {', '.join(actors)}{every}")
    if filters.get("actor_types"):
        parts.append(f"actor types {', '.join(filters['actor_types'])}")
    start, end = filters.get("date_from"), filters.get("date_to")
    if start or end:
        parts.append(f"{start} to {end}" if start and end else f"from {start}" if start else f"until {end}")
    if filters.get("include_undated") is False:
        parts.append("undated articles left out")
    if filters.get("languages"):
        parts.append(f"languages {', '.join(language_name(code) for code in filters['languages'])}")
    if filters.get("sources"):
        parts.append(f"sources {', '.join(filters['sources'])}")
    if (filters.get("query") or "").strip():
        parts.append(f'text "{filters["query"].strip()}"')
    chosen = f"Filters: {' · '.join(parts)}" if parts else "No filters: every stored article"
    return f"{chosen} · exported {exported:%Y-%m-%d} from Geowire"


def _captioned(fig, caption: str):
    """A copy of ``fig`` with ``caption`` in small grey type under it, escaped (actor and source
    names come from the articles) and wrapped, the bottom margin grown to hold it."""
    import plotly.graph_objects as go

    copy = go.Figure(fig)
    lines = textwrap.wrap(" ".join(caption.split()), CAPTION_CHARS, break_long_words=True)
    if len(lines) > CAPTION_LINES:
        lines = lines[:CAPTION_LINES - 1] + [textwrap.shorten(" ".join(lines[CAPTION_LINES - 1:]), CAPTION_CHARS, placeholder=" …")]
    template = copy.layout.template.layout.margin.b if copy.layout.template is not None else None
    bottom = copy.layout.margin.b if copy.layout.margin.b is not None else (template if template is not None else 80)
    copy.update_layout(margin_b=bottom + 10 + CAPTION_LINE_PX * len(lines))
    copy.add_annotation(text="<br>".join(html.escape(line, quote=False) for line in lines), xref="paper", yref="paper", x=0, y=0,
                        xanchor="left", yanchor="top", yshift=-bottom, align="left", showarrow=False,
                        font=dict(size=11, color="#666666"))
    return copy


def figure_bytes(fig, fmt: str, *, width: int = WIDTH, height: int = HEIGHT, scale: float = PNG_SCALE,
                 timeout: float = RENDER_TIMEOUT, caption: str | None = None) -> bytes:
    """A Plotly figure as PNG, SVG, PDF (one page) or a standalone HTML page.

    ``width`` and ``height`` are CSS pixels and replace the figure's own size; ``scale`` applies
    to PNG only (a 1200x700 chart at scale 2 is a 2400x1400 image; SVG and PDF are vectors, the
    PDF page is width x height px). The HTML page carries plotly.js inline (about 4.6 MB), opens
    offline from a file, fills the browser window, and its camera button saves a PNG of the same
    size as ``figure_bytes`` would. ``caption`` (``filters_caption``) is written under the chart.
    Raises ``ExportError`` (message says what is missing and how to install it) when PNG, SVG or
    PDF cannot be drawn; HTML needs no browser.
    """
    if fmt not in FIGURE_FORMATS:
        raise ValueError(f"unknown chart format {fmt!r} (choose from: {', '.join(FIGURE_FORMATS)})")
    if not hasattr(fig, "to_dict"):
        raise TypeError(f"expected a plotly Figure, got {type(fig).__name__}")
    if caption:
        fig = _captioned(fig, caption)
    if fmt == "html":
        return _html(fig, width, height, scale)
    opts = {"format": fmt, "width": width, "height": height, "scale": scale if fmt == "png" else 1}
    return _RENDERER.render(fig, opts, timeout)


def _html(fig, width: int, height: int, scale: float) -> bytes:
    config = {"displaylogo": False, "responsive": True,
              "toImageButtonOptions": {"format": "png", "width": width, "height": height, "scale": scale}}
    page = fig.to_html(include_plotlyjs=True, include_mathjax=False, full_html=True, config=config)
    # Plotly writes no <title>; a browser tab and a saved bookmark then say which chart this is.
    # Titles may carry actor names found in untrusted articles: tags dropped, the rest escaped.
    title = " ".join(re.sub(r"<[^>]*>", " ", fig.layout.title.text or "").split()) or "Geowire chart"
    charset = '<meta charset="utf-8" />'
    anchor = charset if charset in page else "<head>"
    page = page.replace(anchor, f"{anchor}\n    <title>{html.escape(title)}</title>", 1)
    return page.encode("utf-8")


def _browser_path() -> str:
    """Where Chromium is: BROWSER_PATH (kaleido's own convention) if set, else the first of the
    usual names on PATH. Never a downloaded browser: kaleido.get_chrome is not called."""
    configured = os.environ.get("BROWSER_PATH")
    if configured:
        if os.path.isfile(configured) and os.access(configured, os.X_OK):
            return configured
        raise ExportError(f"PNG, SVG and PDF export need Chromium, but BROWSER_PATH={configured!r} is not an "
                          f"executable file: correct or unset BROWSER_PATH, or {INSTALL_HINT}")
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        found = shutil.which(name)
        if found:
            return found
    raise ExportError(f"PNG, SVG and PDF export need Chromium, which is not installed (no `chromium` on PATH): "
                      f"{INSTALL_HINT}")


def _page_generator():
    """The page kaleido draws in: plotly.js from the installed plotly package, no MathJax.

    Passed explicitly because kaleido falls back to a CDN copy of plotly.js when it cannot find the
    package's, and loads MathJax from a CDN unless told not to (plotly's own MathJax setting is not
    passed on to kaleido)."""
    import kaleido
    import plotly

    plotly_js = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
    if not plotly_js.is_file():
        raise ExportError(f"{plotly_js} is missing: reinstall plotly (pip install --force-reinstall plotly)")
    return kaleido.PageGenerator(plotly=plotly_js.as_uri(), mathjax=False)


def _offline_chromium():
    from choreographer.browsers.chromium import Chromium

    class OfflineChromium(Chromium):
        # kaleido starts Chromium with its own flags; these stop the background requests Chromium
        # makes by itself (field trials, safe browsing lists, QUIC probes) on a machine that may be
        # offline or must stay quiet.
        def get_cli(self):
            return [*super().get_cli(), "--disable-background-networking", "--disable-quic",
                    "--disable-domain-reliability", "--no-pings"]

    return OfflineChromium


class _Renderer:
    """One kaleido browser per process, kept open so that exports after the first take a quarter
    of a second instead of four.

    kaleido.start_sync_server does the same, but when the browser cannot start its worker thread
    dies and every later call waits forever (plotly/Kaleido#422), and two threads calling it at
    once (two Streamlit sessions) can receive each other's images. Here an event loop runs in a
    daemon thread; every render is a future with a deadline, so errors and timeouts reach the
    caller, and renders take turns (kaleido draws in one tab anyway). The browser is closed at
    exit; its process group is killed if closing hangs. If this process dies without running
    atexit, Chromium still exits when its DevTools pipe closes.
    """

    def __init__(self):
        self._lock = threading.RLock()  # render and _running call stop() while holding it
        self._pid: int | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._kaleido = None
        self._exit_hook = False

    def render(self, fig, opts: dict, timeout: float) -> bytes:
        from choreographer.errors import BrowserClosedError, BrowserFailedError, ChannelClosedError
        from choreographer.protocol import DevtoolsProtocolError
        from kaleido.errors import JavascriptError, KaleidoError

        what = f"could not draw the chart as {opts['format'].upper()}"
        # One render at a time: kaleido has one tab, so nothing is lost, and a browser being stopped
        # or replaced by another thread can never be in the middle of drawing this chart.
        if not self._lock.acquire(timeout=timeout):
            raise ExportError(f"{what}: other exports kept the browser busy for {timeout:g} s; try again")
        try:
            kaleido, loop = self._running()
            future = asyncio.run_coroutine_threadsafe(kaleido.calc_fig(fig, opts=opts), loop)
            try:
                return future.result(timeout)
            except concurrent.futures.TimeoutError:
                future.cancel()
                self.stop()  # the tab may be stuck in the middle of this chart
                raise ExportError(f"{what}: Chromium gave no answer within {timeout:g} s (it was "
                                  f"restarted; try again, or use the HTML export)") from None
            except (KaleidoError, JavascriptError, DevtoolsProtocolError) as err:
                raise ExportError(f"{what}: {err}") from err
            except (BrowserClosedError, BrowserFailedError, ChannelClosedError, OSError) as err:
                self.stop()
                raise ExportError(f"{what}: Chromium stopped ({err}); the next export starts it again") from err
        finally:
            self._lock.release()

    def warm(self) -> None:
        try:
            self._running()
        except ExportError as err:
            _log.info("chart export browser not started in advance: %s", err)

    def _running(self):
        with self._lock:
            if self._pid != os.getpid():
                # A forked child inherits the parent's bookkeeping but not its thread: start afresh
                # and leave the parent's browser to the parent.
                self._pid, self._loop, self._thread, self._kaleido = os.getpid(), None, None, None
            process = getattr(self._kaleido, "subprocess", None)
            if process is not None and process.poll() is not None:
                # Chromium was killed (out of memory, by hand): start a new one rather than fail.
                self.stop()
            if self._kaleido is None:
                self._start()
            return self._kaleido, self._loop

    def _start(self) -> None:
        import kaleido
        from choreographer.errors import BrowserFailedError, ChromeNotFoundError

        path = _browser_path()
        page = _page_generator()
        browser_cls = _offline_chromium()
        loop = asyncio.new_event_loop()
        thread = threading.Thread(target=loop.run_forever, name="geowire-kaleido", daemon=True)
        thread.start()

        async def open_browser():
            # Built inside the loop: kaleido's queues and locks belong to the loop that made them.
            # No kaleido timeout: render() puts its own deadline on every export.
            browser = kaleido.Kaleido(n=1, timeout=None, page_generator=page, path=path,
                                      browser_cls=browser_cls, proxy_server="http://127.0.0.1:9")
            try:
                await browser.open()
            except BaseException:
                await browser.close()
                raise
            return browser

        try:
            browser = asyncio.run_coroutine_threadsafe(open_browser(), loop).result(RENDER_TIMEOUT)
        except (ChromeNotFoundError, BrowserFailedError, OSError, concurrent.futures.TimeoutError) as err:
            self._end_loop(loop, thread)
            # choreographer's own message suggests downloading a browser, which this project never
            # does: keep only its first sentence.
            reason = err.args[0] if isinstance(err, BrowserFailedError) and err.args else str(err)
            raise ExportError(f"could not start the browser {path} for PNG, SVG and PDF export "
                              f"({type(err).__name__}: {reason or 'no answer'}); if it is not a working "
                              f"Chromium, {INSTALL_HINT}") from err
        self._loop, self._thread, self._kaleido = loop, thread, browser
        if not self._exit_hook:
            atexit.register(self.stop)
            self._exit_hook = True

    def stop(self) -> None:
        """Close the browser (and its helper processes); the next render starts a new one."""
        with self._lock:
            browser, loop, thread = self._kaleido, self._loop, self._thread
            self._kaleido = self._loop = self._thread = None
            if browser is None or self._pid != os.getpid():
                return
            try:
                asyncio.run_coroutine_threadsafe(browser.close(), loop).result(15)
            except (concurrent.futures.TimeoutError, RuntimeError, OSError):
                # Closing hung or failed: Chromium runs in its own process group, so end all of it.
                process = getattr(browser, "subprocess", None)
                if process is not None and process.poll() is None:
                    try:
                        os.killpg(process.pid, signal.SIGKILL)
                    except ProcessLookupError:
                        pass
            self._end_loop(loop, thread)

    @staticmethod
    def _end_loop(loop: asyncio.AbstractEventLoop, thread: threading.Thread) -> None:
        async def cancel_the_rest():
            # choreographer leaves a watchdog task behind; a loop closed under it prints
            # "Task was destroyed but it is pending".
            others = [task for task in asyncio.all_tasks() if task is not asyncio.current_task()]
            for task in others:
                task.cancel()
            await asyncio.gather(*others, return_exceptions=True)

        try:
            asyncio.run_coroutine_threadsafe(cancel_the_rest(), loop).result(10)
        except concurrent.futures.TimeoutError:
            pass  # the loop is stopped below all the same; a task that ignores cancel dies with the thread
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)
        if not thread.is_alive():
            loop.close()

    def browser_pid(self) -> int | None:
        """The process id of the browser's launcher (the leader of its process group), if running."""
        process = getattr(self._kaleido, "subprocess", None)
        return process.pid if process is not None else None


_RENDERER = _Renderer()


def start_renderer() -> None:
    """Start the browser for PNG, SVG and PDF in the background and return at once, so that the
    first export a user asks for does not wait the ~3 s Chromium takes to start. A failure to start
    is not raised here: the next ``figure_bytes`` tries again and raises it as ``ExportError``."""
    threading.Thread(target=_RENDERER.warm, name="geowire-kaleido-start", daemon=True).start()


def stop_renderer() -> None:
    """Close the browser that draws PNG, SVG and PDF now rather than at exit (tests, long pauses)."""
    _RENDERER.stop()
