"""The files a batch reads: folders walked, globs expanded, lazily and in a stable order, so that
a tree of a million files is never listed in memory at once. Hidden files and folders (names
starting with a dot) and files in other formats are counted, not read; a link that leads out of
the folders the dashboard may read is a problem, not a file.
"""
from __future__ import annotations

import glob
import hashlib
import os
from collections.abc import Iterable, Iterator
from pathlib import Path

from core.ingest import inbox, raw_record


def walk(paths: Iterable[str | Path], unique: bool = False, roots: list[Path] | None = None) -> Iterator[tuple[str, str]]:
    """``("file", path)``, ``("skipped", path)``, ``("hidden", path)`` or ``("problem", message)``
    for every argument,
    lazily and in a stable order (a folder's entries sorted, one folder at a time), so that a
    million-file tree is never listed in memory at once. With ``unique``, a file reached twice
    (a folder and a glob inside it) comes once; only an 8-byte digest per path is remembered.
    With ``roots``, a file whose real path (links resolved) lies outside them is a problem, not a
    file: a link inside a folder the dashboard may read must not lead it elsewhere."""
    seen: set[bytes] = set()
    for kind, value in _walk_all(paths, roots):
        if unique and kind == "file":
            digest = hashlib.blake2b(value.encode("utf-8", "surrogateescape"), digest_size=8).digest()
            if digest in seen:
                continue
            seen.add(digest)
        yield kind, value


def _walk_all(paths: Iterable[str | Path], roots: list[Path] | None) -> Iterator[tuple[str, str]]:
    def found(path: str) -> tuple[str, str]:
        real = os.path.realpath(path)
        if inbox.within_roots(real, roots):
            return "file", real
        return "problem", f"{path}: leads to {real}, outside the folders this dashboard may read; not read"

    for argument in paths:
        argument = str(argument)
        matches = sorted(glob.glob(argument, recursive=True)) if glob.has_magic(argument) else [argument]
        if not matches or not os.path.exists(matches[0]):
            yield "problem", f"{argument}: no such file or folder"
            continue
        for match in matches:
            if os.path.isdir(match):
                for root, folders, names in os.walk(match):
                    # Hidden files and folders (.git, .DS_Store, a half-written ".upload-*.part")
                    # are not articles; they are counted so the summary can say so.
                    for name in sorted(f for f in folders if f.startswith(".")):
                        yield "hidden", os.path.join(root, name)
                    folders[:] = sorted(f for f in folders if not f.startswith("."))
                    for name in sorted(names):
                        path = os.path.join(root, name)
                        if name.startswith("."):
                            yield "hidden", path
                        elif Path(name).suffix.lower() in raw_record.EXTENSIONS:
                            yield found(path)
                        else:
                            yield "skipped", path
            elif os.path.isfile(match):
                yield found(match)
            else:
                yield "problem", f"{match}: not a regular file"


def unique_files(paths: Iterable[str | Path], roots: list[Path] | None = None) -> Iterator[str]:
    return (value for kind, value in walk(paths, unique=True, roots=roots) if kind == "file")
