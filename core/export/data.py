"""Writing articles and charts out for reports and other tools.

Data: CSV, JSON Lines, JSON and XLSX (``to_bytes``, ``write``). Charts: PNG, SVG, PDF and a
standalone HTML page (``figure_bytes``). File names: ``export_filename``.

Article text is untrusted: a cell that a spreadsheet could read as a formula gets a leading
apostrophe in CSV and XLSX, and XLSX splits a text longer than a cell holds over continuation
columns instead of letting it be cut (both in ``core.spreadsheet``). ``write`` replaces its file
all at once: an export that fails (a full disk) leaves the old file as it was.

PNG, SVG and PDF are drawn by kaleido in a headless Chromium that stays open for the life of the
process (see ``_Renderer`` and docs/export.md). Nothing is fetched from the network: plotly.js is
the copy inside the plotly package, MathJax is off, and the browser's proxy is a closed local port.
"""
from __future__ import annotations

import asyncio
import atexit
import concurrent.futures
import csv
import datetime as dt
import html
import io
import json
import logging
import os
import re
import shutil
import signal
import stat
import tempfile
import threading
import unicodedata
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd

from core import spreadsheet
from core.errors import ExportError

FORMATS = ("csv", "jsonl", "json", "xlsx")
# The data formats that can carry the active filters (JSON Lines has no place for them).
DATA_FORMATS = ("csv", "xlsx", "json")
FIGURE_FORMATS = ("png", "svg", "pdf", "html")
MIME_TYPES = {
    "csv": "text/csv", "jsonl": "application/x-ndjson", "json": "application/json",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "png": "image/png", "svg": "image/svg+xml", "pdf": "application/pdf", "html": "text/html",
}
_log = logging.getLogger(__name__)

# A report page is about 1200 px wide at 100 % zoom; 700 px high leaves room for a caption.
# PNG is drawn at twice that so it stays sharp when printed or zoomed; vector formats need no scale.
WIDTH, HEIGHT, PNG_SCALE = 1200, 700, 2
# The first export starts Chromium (about 3 s here); later ones take 0.25-0.45 s. A chart that has
# not rendered in this time will not render.
RENDER_TIMEOUT = 60.0
INSTALL_HINT = ("install it with `apt-get install chromium` (Debian/Ubuntu) or set BROWSER_PATH to "
                "a Chrome or Chromium binary; the HTML export works without it")


def _plain(frame: pd.DataFrame) -> pd.DataFrame:
    """Timestamps as ISO 8601 text: every format below then agrees on how a date is written."""
    out = frame.copy()
    for column in out.columns:
        if isinstance(out[column].dtype, pd.DatetimeTZDtype) or pd.api.types.is_datetime64_any_dtype(out[column]):
            out[column] = out[column].map(lambda v: v.isoformat() if pd.notna(v) else None).astype("string")
    return out


LIST_SEPARATOR = " | "  # between the items of a list cell in CSV and XLSX (JSON keeps arrays)


def _listlike(value) -> bool:
    return isinstance(value, (list, tuple, np.ndarray))


def _flat(frame: pd.DataFrame) -> pd.DataFrame:
    """List cells (a story's article ids, a day's sample sentences) as one text each: a
    spreadsheet cell holds no list, and CSV would write Python's repr of it."""
    out = frame.copy()
    for column in out.columns:
        if out[column].dtype == object and out[column].map(_listlike).any():
            out[column] = out[column].map(
                lambda v: LIST_SEPARATOR.join("" if item is None else str(item) for item in v) if _listlike(v) else v)
    return out


def _records(frame: pd.DataFrame) -> list[dict]:
    plain = _plain(frame).astype(object)
    return [{k: (None if v is pd.NA or (isinstance(v, float) and pd.isna(v)) else
                 [_jsonable(item) for item in v] if _listlike(v) else v) for k, v in row.items()}
            for row in plain.to_dict("records")]


def _jsonable(value):
    """Filter values as JSON understands them: dates as ISO text, sets sorted, tuples as lists."""
    if isinstance(value, (dt.datetime, dt.date, dt.time, pd.Timestamp)):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (set, frozenset)):
        return sorted((_jsonable(v) for v in value), key=str)
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    if value is pd.NA:
        return None
    return str(value)


def export_metadata(view: str, filters: Mapping, exported_at: dt.datetime) -> dict:
    """What a data export records about itself: ``view``, ``exported_at`` (ISO 8601, as given:
    pass an aware time) and every active filter under its own name, values made JSON-safe
    (dates as ISO text, sets as sorted lists). Pass the result to ``to_bytes`` as ``metadata``."""
    clash = {"view", "exported_at"} & set(filters)
    if clash:
        raise ValueError(f"filter name(s) {', '.join(sorted(clash))} are reserved for the export itself")
    return {"view": view, "exported_at": exported_at.isoformat(timespec="seconds"),
            **{str(k): _jsonable(v) for k, v in filters.items()}}


def to_bytes(frame: pd.DataFrame, fmt: str, metadata: Mapping | None = None) -> bytes:
    """The frame in one of ``FORMATS``, with ``metadata`` (for example ``export_metadata(...)``)
    recorded in the file:

    - CSV: ``# name: <JSON value>`` lines above the header (read the table with
      ``pandas.read_csv(..., comment="#")``; every text field is quoted, so a ``#`` in the data is
      safe);
    - JSON: ``{"metadata": {...}, "articles": [...]}``;
    - XLSX: a sheet ``articles``, then a sheet ``filters`` (setting, value: text as is, anything
      else as JSON), then, if a text was longer than a cell holds, a sheet ``notes`` saying which
      continuation columns to join (see ``_xlsx_sheet``).

    JSON Lines has no place for metadata: asking for it there is an error rather than a silent loss.
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r} (choose from: {', '.join(FORMATS)})")
    if fmt == "jsonl" and metadata:
        raise ValueError("JSON Lines has no place for the filters; export json, csv or xlsx to keep them")
    if fmt == "csv":
        buffer = io.StringIO()
        for key, value in (metadata or {}).items():
            buffer.write(f"# {spreadsheet.comment_json(str(key))[1:-1]}: {spreadsheet.comment_json(_jsonable(value))}\n")
        # Every text field quoted: pandas leaves a lone carriage return unquoted otherwise, which
        # splits the row in spreadsheet programs, and a quoted "#" is not taken for a comment.
        # Long texts stay whole: CSV has no cell limit (a spreadsheet opening it cuts them; XLSX does not).
        spreadsheet.neutralize_formulas(_flat(_plain(frame))).to_csv(buffer, index=False, quoting=csv.QUOTE_NONNUMERIC)
        return buffer.getvalue().encode("utf-8-sig")
    if fmt == "jsonl":
        return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in _records(frame)).encode()
    if fmt == "json":
        document = {"metadata": _jsonable(dict(metadata or {})), "articles": _records(frame)}
        return json.dumps(document, ensure_ascii=False, indent=1).encode()
    buffer = io.BytesIO()
    # in_memory: xlsxwriter otherwise assembles the file from temporary files in the system's temp
    # folder, so a full /tmp broke the export with a traceback even though nothing else is written there.
    options = {"strings_to_formulas": False, "strings_to_urls": False, "in_memory": True}
    with pd.ExcelWriter(buffer, engine="xlsxwriter", engine_kwargs={"options": options}) as writer:
        # The articles come first: a spreadsheet opens on them, and pandas.read_excel reads them
        # without being told the sheet.
        notes = [_xlsx_sheet(writer, _flat(_plain(frame)), "articles")]
        if metadata:
            values = [v if isinstance(v, str) else json.dumps(v, ensure_ascii=False)
                      for v in map(_jsonable, metadata.values())]
            settings = pd.DataFrame({"setting": [str(k) for k in metadata], "value": values}, dtype=object)
            notes.append(_xlsx_sheet(writer, settings, "filters"))
        notes = pd.concat(notes, ignore_index=True)
        if len(notes):
            spreadsheet.neutralize_formulas(notes).to_excel(writer, sheet_name="notes", index=False)
    return buffer.getvalue()


def _xlsx_sheet(writer: pd.ExcelWriter, frame: pd.DataFrame, sheet: str) -> pd.DataFrame:
    """Write ``frame`` as ``sheet`` with formulas guarded and long texts split over continuation
    columns; the header of each continuation column carries a comment saying what it continues.
    Returns the rows for the ``notes`` sheet: sheet, column, row (the spreadsheet's row number,
    the header being row 1; empty for a whole column), parts (the columns to join), note."""
    cells, notes = spreadsheet.split_long_cells(spreadsheet.neutralize_formulas(frame))
    cells.to_excel(writer, sheet_name=sheet, index=False)
    names = [str(name) for name in cells.columns]
    for parts in notes.loc[notes["row"].isna(), "parts"]:
        for name in parts[1:]:
            writer.sheets[sheet].write_comment(
                0, names.index(name), f"continues {parts[0]}: join {', '.join(parts)} in this order with nothing "
                                      f"between (sheet notes)")
    notes.insert(0, "sheet", sheet)
    notes["row"] = notes["row"] + 2
    notes["parts"] = notes["parts"].map(", ".join)
    return notes


def with_actors(articles: pd.DataFrame, by_article: pd.DataFrame) -> pd.DataFrame:
    """Articles with ``actors`` ("actor_id|English name|type; ...") and ``mentioned_dates``
    ("YYYY-MM-DD; ...") columns; empty strings for articles with none."""
    merged = articles.merge(by_article, on="article_id", how="left")
    for column in ("actors", "mentioned_dates"):
        merged[column] = merged[column].fillna("") if column in merged else ""
    return merged


def write(frame: pd.DataFrame, fmt: str, out: Path | None, metadata: Mapping | None = None) -> bytes:
    """``to_bytes(frame, fmt, metadata)``, also written to the file ``out`` if given.

    The file is replaced all at once (see ``_replace_file``): when writing fails (a full disk, no
    permission, a missing folder) the file that was there is left as it was and ``ExportError``
    says which file and what went wrong, in one line."""
    data = to_bytes(frame, fmt, metadata)
    if out is not None:
        _replace_file(Path(out), data)
    return data


_TEMPORARY_PREFIX, _TEMPORARY_SUFFIX = ".geowire-export-", ".tmp"  # a fixed name: the user's may be near the length limit


def _replace_file(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` all or nothing: into a new temporary file in the same folder
    (``mkstemp`` creates it exclusively, so it cannot be a symlink planted there), flushed and
    synced to disk, then renamed over ``path`` (``os.replace`` is atomic within a file system).
    On any failure the temporary file is removed and the old file is untouched. ``path`` itself
    is replaced, not followed: a symlink there becomes the exported file. The new file keeps the
    old one's permissions, or gets the usual ones for a new file (0666 less the umask)."""
    existed = path.exists() or path.is_symlink()
    try:
        mode = stat.S_IMODE(os.stat(path).st_mode) if path.exists() else 0o666 & ~_umask()
        descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=_TEMPORARY_PREFIX, suffix=_TEMPORARY_SUFFIX)
    except OSError as err:
        raise ExportError(_write_failure(path, err, existed)) from err
    try:
        with os.fdopen(descriptor, "wb") as file:
            file.write(data)
            file.flush()
            os.fchmod(file.fileno(), mode)
            os.fsync(file.fileno())
        os.replace(temporary, path)
    except BaseException as err:
        try:
            os.unlink(temporary)
        except FileNotFoundError:
            pass  # os.replace had already moved it into place
        if isinstance(err, OSError):
            raise ExportError(_write_failure(path, err, existed)) from err
        raise
    _sync_folder(path.parent)


def _write_failure(path: Path, err: OSError, existed: bool) -> str:
    left = "the file that was there is unchanged" if existed else "no file was written"
    return f"{path}: could not write the export ({err.strerror or err}); {left}"


def _umask() -> int:
    """The process's umask. Linux shows it in /proc/self/status; elsewhere os.umask must set it to
    read it, which another thread creating a file at that moment would feel, so that is the fallback."""
    try:
        status = Path("/proc/self/status").read_text()
    except OSError:
        status = ""
    for line in status.splitlines():
        if line.startswith("Umask:"):
            return int(line.split()[1], 8)
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _sync_folder(folder: Path) -> None:
    """Make the rename itself durable. The new file is already in place, so a failure here is
    logged rather than raised: the export did succeed."""
    try:
        descriptor = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)
    except OSError as err:
        _log.warning("%s: the export was written but its folder could not be synced to disk (%s)", folder, err)


def export_filename(view: str, fmt: str, today: dt.date) -> str:
    """``geowire-<view>-<YYYY-MM-DD>.<fmt>``, e.g. ``geowire-source-comparison-2026-12-02.png``.

    The view is folded to lower-case ASCII letters, digits and hyphens (accents dropped, other
    scripts removed), at most 60 characters, so the name survives every file system and a
    Content-Disposition header; ``today`` is passed in because core does not read the clock."""
    if fmt not in FORMATS + FIGURE_FORMATS:
        raise ValueError(f"unknown export format {fmt!r} (choose from: {', '.join(FORMATS + FIGURE_FORMATS)})")
    ascii_view = unicodedata.normalize("NFKD", view).encode("ascii", "ignore").decode().lower()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_view).strip("-")[:60].rstrip("-") or "export"
    day = today.date() if isinstance(today, dt.datetime) else today
    return f"geowire-{slug}-{day.isoformat()}.{fmt}"


def figure_bytes(fig, fmt: str, *, width: int = WIDTH, height: int = HEIGHT, scale: float = PNG_SCALE,
                 timeout: float = RENDER_TIMEOUT) -> bytes:
    """A Plotly figure as PNG, SVG, PDF (one page) or a standalone HTML page.

    ``width`` and ``height`` are CSS pixels and replace the figure's own size; ``scale`` applies
    to PNG only (a 1200x700 chart at scale 2 is a 2400x1400 image; SVG and PDF are vectors, the
    PDF page is width x height px). The HTML page carries plotly.js inline (about 4.6 MB), opens
    offline from a file, fills the browser window, and its camera button saves a PNG of the same
    size as ``figure_bytes`` would. Raises ``ExportError`` (message says what is missing and how to
    install it) when PNG, SVG or PDF cannot be drawn; HTML needs no browser.
    """
    if fmt not in FIGURE_FORMATS:
        raise ValueError(f"unknown chart format {fmt!r} (choose from: {', '.join(FIGURE_FORMATS)})")
    if not hasattr(fig, "to_dict"):
        raise TypeError(f"expected a plotly Figure, got {type(fig).__name__}")
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
