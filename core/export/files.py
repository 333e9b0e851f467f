"""Export files on disk and their names: ``write`` replaces a file (and its manifest beside it)
all or nothing; ``export_filename`` names a download or a file; ``manifest_name`` names the JSON
manifest that records a CSV's or a JSON Lines file's filters.
"""
from __future__ import annotations

import datetime as dt
import errno
import logging
import os
import re
import stat
import tempfile
import unicodedata
from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from core.errors import ExportError
from core.export import data, figures

MIME_TYPES = {
    "csv": "text/csv", "jsonl": "application/x-ndjson", "json": "application/json",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "png": "image/png", "svg": "image/svg+xml", "pdf": "application/pdf", "html": "text/html",
}
MANIFEST_SUFFIX = ".json"  # articles.csv -> articles.csv.json
_log = logging.getLogger(__name__)


def manifest_name(name: str | Path) -> str:
    """The manifest's file name beside a CSV or JSON Lines file: ``articles.csv`` ->
    ``articles.csv.json`` (a path gives a path's text)."""
    return f"{name}{MANIFEST_SUFFIX}"


def write(frame: pd.DataFrame, fmt: str, out: Path | None, metadata: Mapping | None = None) -> bytes:
    """The frame as ``fmt`` (``data.to_bytes``), also written to the file ``out`` if given;
    returns the data file's bytes.

    ``metadata`` (``data.export_metadata``) goes inside a JSON or XLSX file. CSV and JSON Lines
    have no place for it: with ``out`` it goes into the manifest ``manifest_name(out)`` beside the
    file (``data.manifest_bytes``); without ``out`` (standard output) it is not written.

    The files are replaced all at once (see ``_replace_files``): when writing fails (a full disk,
    no permission, a missing folder) the file that was there, and its manifest, are left as they
    were and ``ExportError`` says which file and what went wrong, in one line."""
    sidecar = fmt in data.SIDECAR_FORMATS
    content = data.to_bytes(frame, fmt, None if sidecar else metadata)
    if out is not None:
        out = Path(out)
        files = [(out, content)]
        if sidecar and metadata:
            files.append((Path(manifest_name(out)), data.manifest_bytes(frame, out.name, metadata)))
        _replace_files(files)
    return content


def export_filename(view: str, fmt: str, today: dt.date) -> str:
    """``geowire-<view>-<YYYY-MM-DD>.<fmt>``, e.g. ``geowire-source-comparison-2026-12-02.png``.

    The view is folded to lower-case ASCII letters, digits and hyphens (accents dropped, other
    scripts removed), at most 60 characters, so the name survives every file system and a
    Content-Disposition header; ``today`` is passed in because core does not read the clock."""
    known = data.FORMATS + figures.FIGURE_FORMATS
    if fmt not in known:
        raise ValueError(f"unknown export format {fmt!r} (choose from: {', '.join(known)})")
    ascii_view = unicodedata.normalize("NFKD", view).encode("ascii", "ignore").decode().lower()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_view).strip("-")[:60].rstrip("-") or "export"
    day = today.date() if isinstance(today, dt.datetime) else today
    return f"geowire-{slug}-{day.isoformat()}.{fmt}"


_TEMPORARY_PREFIX, _TEMPORARY_SUFFIX = ".geowire-export-", ".tmp"  # a fixed name: the user's may be near the length limit


def _replace_files(files: list[tuple[Path, bytes]]) -> None:
    """Write each ``(path, data)`` all or nothing, the first being the data file.

    Every file is first written into a new temporary file in its folder (``mkstemp`` creates it
    exclusively, so it cannot be a symlink planted there), flushed and synced to disk; only when
    all are complete are they renamed over their paths, in order (``os.replace`` is atomic within
    a file system). On a failure before the renames every temporary file is removed and no old
    file is touched. A folder in a path's way is found before anything is written, so a rename
    can then fail only on a file system error between the two renames (the data file is then
    new and its manifest old or missing, and the message says so). Each path itself is
    replaced, not followed: a symlink there becomes the exported file. A new file keeps the old
    one's permissions, or gets the usual ones for a new file (0666 less the umask)."""
    first = files[0][0]
    existed = first.exists() or first.is_symlink()
    for path, _ in files:
        if path.is_dir() and not path.is_symlink():
            raise ExportError(_write_failure(path, OSError(errno.EISDIR, os.strerror(errno.EISDIR)), existed))
    written: list[tuple[str, Path]] = []
    try:
        for path, content in files:
            written.append((_temporary_copy(path, content, existed), path))
        for done, (temporary, path) in enumerate(written):
            try:
                os.replace(temporary, path)
            except OSError as err:
                left = f"{first} was written without it" if done else None
                raise ExportError(_write_failure(path, err, existed, left)) from err
    finally:
        for temporary, _ in written:
            try:
                os.unlink(temporary)
            except FileNotFoundError:
                pass  # os.replace had already moved it into place
    for folder in dict.fromkeys(path.parent for path, _ in files):
        _sync_folder(folder)


def _temporary_copy(path: Path, content: bytes, existed: bool) -> str:
    """A new temporary file beside ``path`` holding ``content``, synced to disk, with the mode
    ``path`` has (or a new file would get); removed again if writing it fails."""
    try:
        mode = stat.S_IMODE(os.stat(path).st_mode) if path.exists() else 0o666 & ~_umask()
        descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=_TEMPORARY_PREFIX, suffix=_TEMPORARY_SUFFIX)
    except OSError as err:
        raise ExportError(_write_failure(path, err, existed)) from err
    try:
        with os.fdopen(descriptor, "wb") as file:
            file.write(content)
            file.flush()
            os.fchmod(file.fileno(), mode)
            os.fsync(file.fileno())
    except BaseException as err:
        os.unlink(temporary)
        if isinstance(err, OSError):
            raise ExportError(_write_failure(path, err, existed)) from err
        raise
    return temporary


def _write_failure(path: Path, err: OSError, existed: bool, left: str | None = None) -> str:
    left = left or ("the file that was there is unchanged" if existed else "no file was written")
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
