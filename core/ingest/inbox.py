"""Where the dashboard may put and read the user's files: uploads saved into one folder, and
folder reads limited to configured roots.

The dashboard may be reached by people who do not own the machine (a team server), so nothing a
browser sends may name a path: an outlet name or a file name becomes a plain name inside the
uploads folder, and a folder typed on the Ingest page is read only if it lies inside one of the
roots the operator configured (``GEOWIRE_INGEST_ROOTS``). The command line, run by the machine's
own user, is not limited.
"""
from __future__ import annotations

import dataclasses
import os
import tempfile
import unicodedata
from collections.abc import Iterable
from pathlib import Path

from core.errors import InputError

# File systems allow 255 bytes a name; a little is kept for the "-2" given to a repeated name.
MAX_NAME_BYTES = 200
# A browser upload is held in the server's memory until it is saved: the page refuses more files
# or bytes than this in one press (Streamlit itself refuses any single file over
# server.maxUploadSize, 200 MB, in .streamlit/config.toml). Larger collections go through a folder
# in a configured root, or `python -m core ingest`, which stream from disk.
MAX_UPLOAD_FILES = 1000
MAX_UPLOAD_BYTES = 1024 * 1024 * 1024


@dataclasses.dataclass
class SavedUploads:
    folder: Path
    saved: list[Path]
    notes: list[str]  # one line per renamed or refused file


def _plain_name(raw: str) -> str:
    """``raw`` with nothing that could make it a path or hide it: NUL and other control and format
    characters removed, path separators replaced, leading dots, dashes and spaces dropped (a name
    that starts with a dot is hidden, and folder reads skip hidden files; one that starts with a dash
    reads as an option to a command), cut to MAX_NAME_BYTES."""
    text = unicodedata.normalize("NFC", raw)
    text = "".join("-" if c in "/\\" else c for c in text if unicodedata.category(c)[0] != "C")
    text = text.strip().lstrip(". -").rstrip(". ")
    if len(text.encode("utf-8")) > MAX_NAME_BYTES:
        stem, dot, suffix = text.rpartition(".")
        suffix = f".{suffix}" if dot and 0 < len(suffix) <= 8 else ""
        stem = text[: len(text) - len(suffix)]
        while len((stem + suffix).encode("utf-8")) > MAX_NAME_BYTES:
            stem = stem[:-1]
        text = stem.rstrip(". ") + suffix
    return text


def outlet_folder_name(outlet: str) -> str:
    """The folder name an outlet's uploads go into. Raises InputError when nothing of the outlet
    name can name a folder (``..``, ``.``, only punctuation)."""
    name = "".join(c if c.isalnum() or c in "-_. " else "-" for c in _plain_name(outlet)).strip(" -.")
    if not any(c.isalnum() for c in name):
        raise InputError(f"outlet name {outlet!r}", "needs letters or digits, as it names the folder the files are kept in")
    return name


def save_uploads(root: Path, outlet: str | None, files: Iterable[tuple[str, bytes]], default_folder: str) -> SavedUploads:
    """Write uploaded ``files`` ((name as the browser sent it, bytes)) into
    ``root/<outlet or default_folder>/``, and return where each went and a note per file renamed
    or refused. Every written path is checked to be inside ``root`` after resolving links, and each
    file is written under a temporary hidden name and renamed into place, so a half-written file is
    never read and an existing link in the folder is replaced, not followed."""
    root = Path(root)
    root.mkdir(parents=True, exist_ok=True)
    folder_name = outlet_folder_name(outlet) if outlet and outlet.strip() else default_folder
    folder = _inside(root, root / folder_name)
    folder.mkdir(exist_ok=True)
    folder = _inside(root, folder)  # a link put there since the check above
    result = SavedUploads(folder, [], [])
    taken: set[str] = set()
    for number, (raw_name, data) in enumerate(files, start=1):
        name = _plain_name(raw_name or "")
        shown = repr(raw_name) if raw_name else "(no name)"
        if not name:
            name = f"upload-{number}"
        if name.casefold() in taken:
            stem, dot, suffix = name.rpartition(".")
            name = f"{stem}-{number}.{suffix}" if dot and stem else f"{name}-{number}"
        taken.add(name.casefold())
        if name != raw_name:
            result.notes.append(f"{shown}: saved as {name!r}" + (
                " (names starting with a dot are hidden files, which folder reads skip)"
                if raw_name and raw_name.lstrip().startswith(".") else ""))
        target = folder / name  # a plain name in a resolved folder: inside root
        try:
            _write_replacing(target, data)
        except OSError as err:
            result.notes.append(f"{shown}: not saved ({err.strerror or err})")
            continue
        result.saved.append(target)
    return result


def _inside(root: Path, path: Path) -> Path:
    """``path`` with links resolved, or InputError if that is not inside ``root``."""
    resolved = path.resolve()
    if not resolved.is_relative_to(root.resolve()):
        raise InputError(path, f"resolves to {resolved}, outside the uploads folder {root}: not written")
    return resolved


def _write_replacing(target: Path, data: bytes) -> None:
    if target.is_dir() and not target.is_symlink():
        raise IsADirectoryError(21, "a folder of that name is in the way", str(target))
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".upload-", suffix=".part")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def readable_folder(typed: str, roots: list[Path]) -> Path:
    """The file or folder the user typed, if it lies inside one of ``roots`` once links are
    resolved; InputError otherwise, naming the roots and how to add one."""
    if "\x00" in typed:
        raise InputError(repr(typed), "a path cannot contain a NUL character")
    path = Path(typed.strip()).expanduser()
    if not path.is_absolute():
        raise InputError(typed, "give the full path of the folder (starting with /)")
    if not path.exists():
        raise InputError(path, "no such file or folder on this computer")
    resolved = path.resolve()
    if not any(resolved.is_relative_to(root) for root in roots):
        raise InputError(path, f"outside the folders this dashboard may read ({', '.join(map(str, roots)) or 'none'}); "
                               "add a folder to GEOWIRE_INGEST_ROOTS, or run `python -m core ingest` on it")
    return resolved


def within_roots(path: str, roots: list[Path] | None) -> bool:
    """Whether a file found while walking a folder (given with links resolved) may be read."""
    return roots is None or any(Path(path).is_relative_to(root) for root in roots)
