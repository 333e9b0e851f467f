"""Settings: defaults in code, overridden by ``GEOWIRE_*`` environment variables and then by flags.

Core functions receive settings as arguments; only the command line and the pages read this module.
"""
from __future__ import annotations

import dataclasses
import hashlib
import math
import os
import re
from pathlib import Path

import sqlalchemy as sa

from core.errors import ConfigError

REPO_ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = REPO_ROOT / "data"
SAMPLES_DIR = DATA_DIR / "samples"
BOILERPLATE_FILE = DATA_DIR / "boilerplate.toml"
DEFAULT_DB_PATH = DATA_DIR / "geowire.db"

# A single-article file (text, HTML, feed) larger than this is not one article: it is refused
# without being read. Multi-article exports (CSV, TSV, JSON, JSONL) are streamed and have no limit
# of size, but each of their records (a row, a line, an item) is held to this one too.
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


# Where the frames of stores on a PostgreSQL server are kept on this machine, one folder a server
# and database (GEOWIRE_FRAMES_DIR moves it): the server has no folder beside it to put them in.
FRAMES_DIR = DATA_DIR / "frames"


def frames_cache_dir(url: str, environ=None) -> Path | None:
    """Where derived frames of a store are cached: beside an SQLite file (``<name>.frames/``);
    for a PostgreSQL database, a folder of its own under ``GEOWIRE_FRAMES_DIR`` (default
    ``data/frames/``) named for the server, port and database, never the user or password
    (``postgresql-HOST-PORT-DATABASE-DIGEST``); None for an in-memory database."""
    if url.startswith("sqlite:///") and url != "sqlite://":
        path = Path(url.removeprefix("sqlite:///"))
        return path.parent / f"{path.stem}.frames"
    scheme = url.split("://", 1)[0].split("+", 1)[0].lower()
    if scheme not in ("postgresql", "postgres"):
        return None
    environ = os.environ if environ is None else environ
    root = Path(environ.get("GEOWIRE_FRAMES_DIR") or FRAMES_DIR).expanduser().resolve()
    return root / _server_folder(url)


def _server_folder(url: str) -> str:
    """A folder name for a server's database: readable parts reduced to letters, digits, dots and
    dashes (no separator or "..": the folder stays inside its root), and a digest of the exact
    parts, so two databases whose names reduce alike never share a folder."""
    try:
        parsed = sa.make_url(url.replace("postgres://", "postgresql://", 1))
    except sa.exc.ArgumentError:
        raise ConfigError("the store's URL is not a valid database URL (expected postgresql://USER@HOST:PORT/DATABASE)") from None
    socket_dir = parsed.query.get("host")
    host = parsed.host or (socket_dir if isinstance(socket_dir, str) else None) or "localhost"
    port, database = str(parsed.port or 5432), parsed.database or ""
    digest = hashlib.sha256("\0".join((host, port, database)).encode("utf-8")).hexdigest()[:10]
    readable = "-".join(re.sub(r"[^A-Za-z0-9.]+", "_", part).strip("._")[:40] or "_" for part in (host, port, database))
    return f"postgresql-{readable}-{digest}"


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

# Uploads from the Ingest page are kept here (one folder per outlet), so a file's origin path is
# stable and uploading it again changes nothing. GEOWIRE_UPLOADS_DIR moves it.
UPLOADS_DIR = DATA_DIR / "uploads"
# The folders the Ingest page's "Read a folder" may read when GEOWIRE_INGEST_ROOTS names none:
# a drop folder and the uploads. Anyone who can open the dashboard can use that box, so it may not
# read the whole machine (keys, other users' files) unless the operator says so.
INBOX_DIR = DATA_DIR / "inbox"


def uploads_dir(environ=None) -> Path:
    environ = os.environ if environ is None else environ
    return Path(environ.get("GEOWIRE_UPLOADS_DIR") or UPLOADS_DIR).expanduser().resolve()


def ingest_roots(environ=None) -> list[Path]:
    """The folders the dashboard may read files from: ``GEOWIRE_INGEST_ROOTS`` (paths separated
    by ``os.pathsep``, ":" on Linux), else the inbox and the uploads folder. Each is resolved, so a
    link cannot widen it later."""
    environ = os.environ if environ is None else environ
    raw = environ.get("GEOWIRE_INGEST_ROOTS")
    if raw is None or not raw.strip():
        return [INBOX_DIR.resolve(), uploads_dir(environ)]
    roots = []
    for part in filter(None, (p.strip() for p in raw.split(os.pathsep))):
        path = Path(part).expanduser()
        if not path.is_absolute():
            raise ConfigError(f"GEOWIRE_INGEST_ROOTS: {part!r} is not an absolute path")
        roots.append(path.resolve())
    return roots


def busy_seconds(environ=None) -> float | None:
    """How long a write waits for another process's write transaction before stopping with
    "store busy" (``GEOWIRE_BUSY_SECONDS``; 0: stop at once); None when not set, for the store's
    own default (``core.store.database.BUSY_SECONDS``)."""
    raw = (os.environ if environ is None else environ).get("GEOWIRE_BUSY_SECONDS")
    if raw is None or not raw.strip():
        return None
    try:
        seconds = float(raw)
    except ValueError:
        raise ConfigError(f"GEOWIRE_BUSY_SECONDS={raw!r}: expected a number of seconds, e.g. 60") from None
    if not 0 <= seconds <= 86400:
        raise ConfigError(f"GEOWIRE_BUSY_SECONDS={raw!r}: must be between 0 and 86400 (a day)")
    return seconds

# Dask's own names for the addresses of its schedulers (``distributed.comm``).
_SCHEDULER_PROTOCOLS = ("tcp", "tls", "ucx", "ws", "wss", "inproc")


def scheduler_address(value: str | None = None, environ=None) -> str | None:
    """The Dask scheduler the per-file and per-article work is sent to: ``--scheduler`` value,
    else ``GEOWIRE_SCHEDULER``, else None (worker processes on this machine). A bare
    ``HOST:PORT`` means ``tcp://HOST:PORT``."""
    raw = value or (os.environ if environ is None else environ).get("GEOWIRE_SCHEDULER") or ""
    raw = raw.strip()
    if not raw:
        return None
    address = raw if "://" in raw else f"tcp://{raw}"
    protocol, _, location = address.partition("://")
    if protocol not in _SCHEDULER_PROTOCOLS or not re.fullmatch(r"[^\s/]+", location):
        raise ConfigError(f"scheduler {raw!r}: expected a Dask scheduler address such as tcp://HOST:8786 "
                          f"(protocols: {', '.join(_SCHEDULER_PROTOCOLS)})")
    return address


ACTORS_DIR = DATA_DIR / "actors"
CORRECTIONS_FILE = DATA_DIR / "corrections.toml"

# Translation: defaults in TranslationSettings below; a settings file (``GEOWIRE_CONFIG``, else
# data/settings.toml, which git ignores so keys stay out of the repo), then the environment, then
# flags override them.
SETTINGS_FILE = DATA_DIR / "settings.toml"
TRANSLATION_PROVIDERS = ("libre", "google", "deepl", "microsoft", "mymemory")
# The provider until one is configured: nothing is translated and no text is sent anywhere. Every
# provider but a LibreTranslate on this machine sends the articles' text off it, so none is chosen
# unless the settings file, the environment, a flag or the Translation page names it (a
# GEOWIRE_TRANSLATE_URL alone names a self-hosted LibreTranslate).
NO_PROVIDER = "none"
# Characters per request. LibreTranslate (through deep-translator) sends the text in the query
# string, and percent-encoded Arabic or Cyrillic takes six URL bytes a character: 1,000 characters
# stay under the 8 KB request-line limit of common servers. Google fails above ~1,800 characters
# for some scripts although it documents 5,000; MyMemory refuses 500 and more.
TRANSLATION_MAX_CHARS = {"google": 1800, "libre": 1000, "deepl": 4500, "microsoft": 4500, "mymemory": 480}
# Largest answer read from a provider, before and after content decoding; a larger one is refused
# (unread when its Content-Length says so, else as soon as the bytes read pass it).
# A request carries at most 4,500 characters (the largest TRANSLATION_MAX_CHARS); the growth bound
# of core.translate.run (MAX_GROWTH, GROWTH_ALLOWANCE) lets its translation reach 6 x 4,500 + 200 =
# 27,200 characters, which JSON escapes (\uXXXX) to at most 6 bytes each (12 for the rare character
# outside the BMP): about 330 KB with Google's HTML page around it. 2 MB leaves six times that, and
# caps what a flood or a gzip bomb costs per request.
TRANSLATION_MAX_RESPONSE_BYTES = 2 * 1024 * 1024


@dataclasses.dataclass(frozen=True)
class TranslationSettings:
    """How to translate. Built by ``translation_settings`` from file, environment and flags."""

    provider: str = NO_PROVIDER  # NO_PROVIDER or one of TRANSLATION_PROVIDERS
    target: str = "en"
    url: str | None = None  # base URL of a self-hosted provider (LibreTranslate)
    key: str | None = None
    region: str | None = None  # Microsoft's resource region
    timeout: float = 20.0  # seconds for a whole request (connect, headers, body), whatever the server does
    retries: int = 3  # further attempts after a failure that waiting may cure
    backoff: float = 1.0  # seconds before the first retry; doubled each time, with jitter
    max_chars: int | None = None  # None: the provider's TRANSLATION_MAX_CHARS
    give_up_after: int = 3  # articles in a row failing for the same network reason end the run
    max_response_bytes: int = TRANSLATION_MAX_RESPONSE_BYTES  # larger answers (after decoding) are refused

    @property
    def configured(self) -> bool:
        """Whether a provider is chosen (``NO_PROVIDER``: nothing can be translated)."""
        return self.provider != NO_PROVIDER

    @property
    def request_chars(self) -> int:
        return self.max_chars or TRANSLATION_MAX_CHARS.get(self.provider, min(TRANSLATION_MAX_CHARS.values()))

    def describe(self) -> str:
        if not self.configured:
            return f"no provider configured → {self.target}"
        where = f" at {self.url}" if self.url else ""
        return f"{self.provider}{where} → {self.target}"

_TRANSLATION_ENV = {"provider": "GEOWIRE_TRANSLATOR", "url": "GEOWIRE_TRANSLATE_URL",
                    "key": "GEOWIRE_TRANSLATE_KEY", "target": "GEOWIRE_TARGET_LANG",
                    "timeout": "GEOWIRE_TRANSLATE_TIMEOUT", "max_response_bytes": "GEOWIRE_TRANSLATE_MAX_RESPONSE_BYTES"}
_TRANSLATION_NUMBERS = {"timeout": float, "retries": int, "backoff": float, "max_chars": int, "give_up_after": int,
                        "max_response_bytes": int}
# The smallest value each number may take: a deadline under 0.1 s or an answer cap under 1 KB
# fails every request, even to a server on the same machine; 20 characters a request would cut
# every sentence into words.
_TRANSLATION_MINIMUMS = {"timeout": 0.1, "max_chars": 20, "max_response_bytes": 1024}


def translation_settings(environ=None, settings_file: Path | None = None, **flags):
    """``TranslationSettings`` from the settings file's ``[translation]`` table, the
    ``GEOWIRE_*`` variables and ``flags`` (None values are ignored), validated."""
    import tomllib

    environ = os.environ if environ is None else environ
    path = settings_file or Path(environ.get("GEOWIRE_CONFIG") or SETTINGS_FILE)
    values: dict = {}
    if path.exists():
        try:
            values.update(tomllib.loads(path.read_text(encoding="utf-8")).get("translation", {}))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as err:
            raise ConfigError(f"{path}: not a valid TOML file ({err})") from None
    values.update({name: environ[var] for name, var in _TRANSLATION_ENV.items() if environ.get(var)})
    values.update({name: value for name, value in flags.items() if value is not None})
    allowed = {field.name for field in dataclasses.fields(TranslationSettings)}
    unknown = sorted(set(values) - allowed)
    if unknown:
        raise ConfigError(f"{path} [translation]: unknown setting(s) {', '.join(unknown)} (known: {', '.join(sorted(allowed))})")
    for name, kind in _TRANSLATION_NUMBERS.items():
        if name in values:
            try:
                values[name] = kind(values[name])
            except (TypeError, ValueError):
                raise ConfigError(f"translation setting {name}={values[name]!r}: expected a {kind.__name__}") from None
            if not math.isfinite(values[name]) or values[name] < _TRANSLATION_MINIMUMS.get(name, 0):
                raise ConfigError(f"translation setting {name}={values[name]!r}: too small "
                                  f"(at least {_TRANSLATION_MINIMUMS.get(name, 0)})")
    # A server address alone names a self-hosted LibreTranslate; nothing at all names no provider.
    default = "libre" if values.get("url") else TranslationSettings.provider
    provider = str(values.get("provider") or default).strip().lower()
    if provider not in (NO_PROVIDER, *TRANSLATION_PROVIDERS):
        raise ConfigError(f"translation provider {provider!r} is not known "
                          f"(choose from: {', '.join((*TRANSLATION_PROVIDERS, NO_PROVIDER))})")
    target = str(values.get("target", TranslationSettings.target)).strip()
    if not re.fullmatch(r"[a-z]{2,3}(-[A-Za-z]{2,4})?", target):
        raise ConfigError(f"target language {target!r}: expected an ISO 639-1 code such as en, fr or de")
    url = values.get("url")
    if url and not re.match(r"https?://", str(url)):
        raise ConfigError(f"translation URL {url!r}: expected an http:// or https:// address")
    values.update(provider=provider, target=target)
    return TranslationSettings(**values)


def analyst_name(environ=None, settings_file: Path | None = None) -> str:
    """Who the analysts' corrections made here are recorded as: ``GEOWIRE_ANALYST``, else the
    settings file's top-level ``analyst``, else "local". Free text, for the team to read."""
    import tomllib

    environ = os.environ if environ is None else environ
    name = (environ.get("GEOWIRE_ANALYST") or "").strip()
    path = settings_file or Path(environ.get("GEOWIRE_CONFIG") or SETTINGS_FILE)
    if not name and path.exists():
        try:
            value = tomllib.loads(path.read_text(encoding="utf-8")).get("analyst", "")
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as err:
            raise ConfigError(f"{path}: not a valid TOML file ({err})") from None
        if not isinstance(value, str):
            raise ConfigError(f"{path}: analyst = {value!r}: expected a name in quotes")
        name = value.strip()
    return name[:100] or "local"


# --- Alerts (core.alerts; docs/monitoring.md) ------------------------------------------------------

@dataclasses.dataclass(frozen=True)
class AlertSettings:
    """Where fired alerts go besides the store: the JSON Lines log, a webhook, email over SMTP.
    Built by ``alert_settings`` from the environment; ``smtp_password`` never appears in a repr."""

    log: Path | None = None  # the JSON Lines log; None: none (an in-memory store)
    webhook: str | None = None  # GEOWIRE_ALERT_WEBHOOK: every rule's, unless the rule names its own
    timeout: float = 10.0  # seconds for a whole webhook request or SMTP conversation
    smtp_host: str | None = None  # no host: no email
    smtp_port: int = 587
    smtp_user: str | None = None
    smtp_password: str | None = dataclasses.field(default=None, repr=False)
    smtp_from: str = "geowire@localhost"
    smtp_to: str | None = None  # every rule's address, unless the rule names its own
    smtp_starttls: bool = True

    @property
    def email(self) -> bool:
        return bool(self.smtp_host)


_ALERT_ENV = {"webhook": "GEOWIRE_ALERT_WEBHOOK", "timeout": "GEOWIRE_ALERT_TIMEOUT", "smtp_host": "GEOWIRE_SMTP_HOST",
              "smtp_port": "GEOWIRE_SMTP_PORT", "smtp_user": "GEOWIRE_SMTP_USER", "smtp_password": "GEOWIRE_SMTP_PASSWORD",
              "smtp_from": "GEOWIRE_SMTP_FROM", "smtp_to": "GEOWIRE_SMTP_TO", "smtp_starttls": "GEOWIRE_SMTP_STARTTLS"}


def alert_log_path(url: str, environ=None) -> Path | None:
    """``GEOWIRE_ALERT_LOG``, else beside the store (``<name>.alerts.jsonl`` next to an SQLite
    file; ``alerts.jsonl`` in a PostgreSQL store's frames folder); None for an in-memory store."""
    environ = os.environ if environ is None else environ
    if environ.get("GEOWIRE_ALERT_LOG"):
        return Path(environ["GEOWIRE_ALERT_LOG"]).expanduser().resolve()
    if url.startswith("sqlite:///"):
        path = Path(url.removeprefix("sqlite:///"))
        return path.parent / f"{path.stem}.alerts.jsonl"
    folder = frames_cache_dir(url, environ)
    return None if folder is None else folder / "alerts.jsonl"


def alert_settings(url: str, environ=None) -> AlertSettings:
    """``AlertSettings`` for the store at ``url`` from the ``GEOWIRE_ALERT_*`` and ``GEOWIRE_SMTP_*``
    variables, validated (the error never shows the password)."""
    environ = os.environ if environ is None else environ
    values: dict = {name: environ[var] for name, var in _ALERT_ENV.items() if environ.get(var)}
    for name, kind in (("timeout", float), ("smtp_port", int)):
        if name in values:
            try:
                values[name] = kind(values[name])
            except ValueError:
                raise ConfigError(f"{_ALERT_ENV[name]}={values[name]!r}: expected a {kind.__name__}") from None
            if not 0 < values[name] <= (65535 if name == "smtp_port" else 3600):
                raise ConfigError(f"{_ALERT_ENV[name]}={values[name]!r}: out of range")
    if "smtp_starttls" in values:
        flag = values["smtp_starttls"].strip().lower()
        if flag not in ("1", "0", "true", "false", "yes", "no"):
            raise ConfigError(f"GEOWIRE_SMTP_STARTTLS={values['smtp_starttls']!r}: expected true or false")
        values["smtp_starttls"] = flag in ("1", "true", "yes")
    if values.get("webhook") and not re.match(r"https?://", values["webhook"]):
        raise ConfigError(f"GEOWIRE_ALERT_WEBHOOK={values['webhook']!r}: expected an http:// or https:// address")
    return AlertSettings(log=alert_log_path(url, environ), **values)
