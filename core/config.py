"""Settings: defaults in code, overridden by ``GEOWIRE_*`` environment variables and then by flags.

Core functions receive settings as arguments; only the command line and the pages read this module.
"""
from __future__ import annotations

import os
from pathlib import Path

from core.errors import ConfigError

REPO_ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = REPO_ROOT / "data"
SAMPLES_DIR = DATA_DIR / "samples"
BOILERPLATE_FILE = DATA_DIR / "boilerplate.toml"
DEFAULT_DB_PATH = DATA_DIR / "geowire.db"

# A single-article file (text, HTML, feed) larger than this is not one article: it is refused
# without being read. Multi-article exports (CSV, TSV, JSON, JSONL) are streamed and have no limit.
MAX_DOCUMENT_BYTES = 20 * 1024 * 1024


def database_url(value: str | None = None) -> str:
    """``--db`` value, else ``GEOWIRE_DB``, else the default file under ``data/``.

    Accepts an SQLAlchemy URL (``sqlite:///...``, ``postgresql://...``) or a plain file path.
    """
    value = value or os.environ.get("GEOWIRE_DB") or str(DEFAULT_DB_PATH)
    if "://" in value:
        return value
    if value == ":memory:":
        return "sqlite://"
    return f"sqlite:///{Path(value).expanduser().resolve()}"


def max_document_bytes() -> int:
    raw = os.environ.get("GEOWIRE_MAX_DOCUMENT_MB")
    if raw is None:
        return MAX_DOCUMENT_BYTES
    try:
        megabytes = float(raw)
    except ValueError:
        raise ConfigError(f"GEOWIRE_MAX_DOCUMENT_MB={raw!r}: expected a number of megabytes, e.g. 20") from None
    if megabytes <= 0:
        raise ConfigError(f"GEOWIRE_MAX_DOCUMENT_MB={raw!r}: must be greater than 0")
    return int(megabytes * 1024 * 1024)

ACTORS_DIR = DATA_DIR / "actors"
CORRECTIONS_FILE = DATA_DIR / "corrections.toml"
