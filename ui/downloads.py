"""Downloads of what a page shows: a chart drawn with its PNG, SVG, PDF and HTML files, and the
data behind it as CSV (with its manifest), XLSX and JSON, the filters recorded in each. Files are
made only when their button is pressed."""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pandas as pd
import streamlit as st

from core import languages
from core.analysis import filtering
from core.errors import ExportError
from core.export import articles as export_articles, data as export_data, figures as export_figures, files as export_files
from ui import article_columns, corpus, filters as filter_bar, plotly_view  # `filters` names the Filters given to data_downloads


def chart(fig, view: str, key: str | None = None, on_click=None) -> None:
    """Draw a figure, with its downloads (PNG, SVG, PDF, standalone HTML) made only when asked.
    ``on_click``: see plotly_view.draw."""
    today = dt.date.today()
    # The chart's own camera button saves under the same name as the download below.
    camera = {"format": "png", "scale": 2, "filename": export_files.export_filename(view, "png", today).removesuffix(".png")}
    plotly_view.draw(fig, key or f"{view}-chart", {"displaylogo": False, "toImageButtonOptions": camera}, on_click)
    # Worked out now, in the page's run: the file is made later, when its button is pressed.
    caption = figure_caption(today)
    _download_menu("Download chart", ":material/download:", f"{key or view}-export",
                   [(fmt.upper(), _figure_file(fig, fmt, caption), export_files.export_filename(view, fmt, today),
                     export_files.MIME_TYPES[fmt], f"{key or view}-{fmt}") for fmt in export_figures.FIGURE_FORMATS])


def figure_caption(today: dt.date | None = None) -> str:
    """The caption a chart file carries: the filters applied on the page (actors by name) and the
    export date (``core.export.figures.filters_caption``)."""
    applied = filter_bar.current_filters()
    names = corpus.actor_names(corpus.current()) if applied.actors else {}
    return export_figures.filters_caption(applied.to_dict(), today or dt.date.today(), names)


def _figure_file(fig, fmt: str, caption: str):
    def render() -> bytes:
        try:
            return export_figures.figure_bytes(fig, fmt, caption=caption)
        except ExportError as err:
            # The download then carries the reason instead of a broken image.
            st.error(str(err))
            return str(err).encode()
    return render


def data_downloads(frame: pd.DataFrame | Callable[[], pd.DataFrame], view: str, filters: filtering.Filters) -> None:
    """The filtered data as CSV, XLSX and JSON, with the filters recorded (actors by name and id):
    inside the XLSX (sheet ``filters``) and the JSON (``metadata``); for the CSV in its manifest,
    a button of its own ("Filters of the CSV", ``<csv file name>.json``), so that the CSV stays
    the one plain table every program reads and the manifest has the name the command line gives
    it. ``frame`` may be a callable making it, for data the page does not build to draw itself."""
    names = corpus.actor_names(corpus.current()) if filters.actors else {}
    metadata = export_data.export_metadata(view, filters.to_dict(), dt.datetime.now(dt.timezone.utc), actor_names=names)
    made = frame if callable(frame) else lambda: frame
    today = dt.date.today()
    files = []
    for fmt in export_data.DATA_FORMATS:
        name = export_files.export_filename(view, fmt, today)
        if fmt in export_data.SIDECAR_FORMATS:
            files += [(f"Data as {fmt.upper()}", lambda fmt=fmt: export_data.to_bytes(made(), fmt), name,
                       export_files.MIME_TYPES[fmt], f"data-{view}-{fmt}"),
                      (f"Filters of the {fmt.upper()}", lambda name=name: export_data.manifest_bytes(made(), name, metadata),
                       export_files.manifest_name(name), export_files.MIME_TYPES["json"], f"data-{view}-{fmt}-manifest")]
        else:
            # A spreadsheet is read by people: it names the languages beside their codes. The CSV
            # and JSON are read by programs and keep the codes alone.
            shaped = (lambda: _language_names(made())) if fmt == "xlsx" else made
            files.append((f"Data as {fmt.upper()}", lambda fmt=fmt, shaped=shaped: export_data.to_bytes(shaped(), fmt, metadata),
                          name, export_files.MIME_TYPES[fmt], f"data-{view}-{fmt}"))
    _download_menu("Download data", ":material/table:", f"data-{view}", files)


def _language_names(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with a ``language_name`` column ("Persian") right after its ``language`` codes."""
    if "language" not in frame.columns or "language_name" in frame.columns:
        return frame
    names = frame["language"].map(languages.language_name, na_action="ignore")
    return frame.assign(language_name=names)[_after(list(frame.columns), "language", "language_name")]


def _after(columns: list, column: str, new: str) -> list:
    at = columns.index(column) + 1
    return columns[:at] + [new] + columns[at:]


def article_downloads(data: corpus.Corpus, selected: pd.DataFrame, view: str, filters: filtering.Filters) -> None:
    """``data_downloads`` of the selected articles with the columns of ``python -m core export``
    (``core.export.articles``: their actors and mentioned dates too)."""
    data_downloads(lambda: export_articles.article_table(article_columns.with_texts(selected), data.actors, data.mentions, data.dates,
                                                         data.date_sentences),
                   view, filters)


def _download_menu(label: str, icon: str, key: str, files: list) -> None:
    """A menu of download buttons, one per (button label, data or a callable making it, file
    name, MIME type, widget key). The buttons are drawn only while the menu is open (opening it
    reruns the page): each element costs the browser time on every filter change, and most changes
    never export. The data is made only when its button is pressed."""
    menu = st.popover(label, icon=icon, key=key, on_change="rerun")
    if menu.open:
        with menu, st.container(horizontal=True):
            for button, data, file_name, mime, button_key in files:
                st.download_button(button, data=data, file_name=file_name, mime=mime, key=button_key, on_click="ignore")
