"""Export: frames and figures out as files for reports and other tools.

Takes the frames the pages draw from (articles with their translation, actors, mentions,
mentioned dates; or any aggregate a page shows) and Plotly figures; gives bytes and files:

- ``articles``: the article export's column set (``article_table``, ``COLUMNS``), the same for
  ``python -m core export`` and the dashboard's "Download data": each article's actors and
  mentioned dates as lists of records;
- ``data``: a frame as CSV, JSON Lines, JSON or XLSX bytes (``to_bytes``), what an export records
  about itself (``export_metadata``: view, time, filters with actor names and ids) and the JSON
  manifest that carries it beside a CSV or JSON Lines file (``manifest_bytes``);
- ``spreadsheet``: what keeps untrusted text safe and whole in a spreadsheet: the formula guard
  (``neutralize_formulas``, ``looks_like_formula``) and texts longer than a cell split over
  continuation columns (``split_long_cells``);
- ``files``: files on disk, written all or nothing, a data file and its manifest together
  (``write``), and their names (``export_filename``, ``manifest_name``, ``MIME_TYPES``);
- ``figures``: charts as PNG, SVG and PDF drawn by kaleido in one headless Chromium per process,
  or as a standalone HTML page (``figure_bytes``, ``start_renderer``, ``stop_renderer``).

Imports: ``files`` uses ``data`` and ``figures``; ``data`` uses ``spreadsheet``; ``articles``
only ``core.schema``. Nothing here imports another stage: the frames come in as arguments.
docs/export.md describes the formats.
"""
