"""The articles of one write transaction of the ingest (``ingested``): each row stored, merged
with the article it duplicates, or linked to the same story from another source, in the file's
order, as if stored one by one.

Rows are looked up many at a time and inserted together: one query for the known ids and content
hashes of a block of rows, one for the near-duplicate candidates of all their band keys, one for
the candidates' signatures, and one multi-row insert per table when the transaction ends. Built
one row at a time, the statements (an SQLAlchemy construct, its cache key and its literal values
of a 3 KB text) cost more than SQLite did, five statements an article; the lookups are by primary
key or index, so each costs the same however large the store is. Rows stored earlier in the same
transaction are found in this writer's own maps, exactly as the store would have returned them.
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import datetime

import numpy as np
import pandas as pd
import sqlalchemy as sa

from core import dedup, schema

# Rows looked up together: one IN list per query, well under every database's limit of bound
# parameters (SQLite's is 32766; band keys are 16 a row).
LOOKUP_ROWS = 200
_IN_LIST = 1000

_ARTICLES = schema.articles
_ORIGINAL = (sa.select(_ARTICLES.c.article_id, _ARTICLES.c.duplicate_of, _ARTICLES.c.source)
             .where(_ARTICLES.c.article_id.in_(sa.bindparam("ids", expanding=True))))


def reject(result, log: list, item: str | None, problem: str) -> None:
    """Count a rejected item in ``result`` (an ``ingested.FileResult``) and log it."""
    result.rejected += 1
    result.rejections.append((item, problem))
    log.append((item, "rejected", problem, None))


def _slices(values: list, size: int = _IN_LIST) -> Iterator[list]:
    for start in range(0, len(values), size):
        yield values[start:start + size]


def _signature(row: dict) -> np.ndarray | None:
    sig = row.get("signature")
    return sig if isinstance(sig, np.ndarray) else None


class Writer:
    """The article rows of one transaction on ``conn``: ``look_up`` a block of rows, ``save`` each
    in order, ``flush`` before the transaction ends."""

    def __init__(self, conn: sa.Connection, now: datetime):
        self.conn, self.now = conn, now
        # article_id -> origin_file of the ids looked up (None: not in the store) or stored here
        self.origin_of_id: dict[str, str | None] = {}
        self.id_of_hash: dict[str, str | None] = {}  # content_hash -> an article_id with that body
        self.ids_of_band: dict[int, set[str]] = {}
        self.signatures: dict[str, np.ndarray] = {}
        self.keys_of: dict[str, list[int]] = {}  # article_id -> band keys of the rows given
        self.originals: dict[str, tuple[str | None, str | None]] = {}  # article_id -> (duplicate_of, source)
        self.articles: list[dict] = []
        self.signature_rows: list[dict] = []
        self.band_rows: list[dict] = []

    def look_up(self, rows: Iterable[dict]) -> None:
        """Read what the store knows of these rows' ids, bodies and band keys, in a few queries."""
        rows = [row for row in rows if not row.get("problem") and row.get("article_id")]
        # Comprehensions, not set differences: a set minus a dict's keys copies the whole dict.
        ids = sorted({row["article_id"] for row in rows if row["article_id"] not in self.origin_of_id})
        hashes = sorted({row["content_hash"] for row in rows if row["content_hash"] not in self.id_of_hash})
        table, conn = _ARTICLES, self.conn
        self.origin_of_id.update(dict.fromkeys(ids))
        for part in _slices(ids):
            self.origin_of_id.update(conn.execute(sa.select(table.c.article_id, table.c.origin_file)
                                                  .where(table.c.article_id.in_(part))).all())
        self.id_of_hash.update(dict.fromkeys(hashes))
        for part in _slices(hashes):
            for content_hash, article_id in conn.execute(sa.select(table.c.content_hash, table.c.article_id)
                                                         .where(table.c.content_hash.in_(part))):
                if self.id_of_hash[content_hash] is None:
                    self.id_of_hash[content_hash] = article_id
        self._look_up_bands([key for row in rows for key in self._band_keys(row)])

    def _band_keys(self, row: dict) -> list[int]:
        """The row's band keys (none without a signature), computed once per article."""
        sig = _signature(row)
        if sig is None:
            return []
        keys = self.keys_of.get(row["article_id"])
        if keys is None:
            keys = self.keys_of[row["article_id"]] = dedup.band_keys(sig)
        return keys

    def _look_up_bands(self, keys: list[int]) -> None:
        keys = sorted({key for key in keys if key not in self.ids_of_band})
        if not keys:
            return
        bands, sigs, conn = schema.near_duplicate_bands, schema.minhash_signatures, self.conn
        for key in keys:
            self.ids_of_band[key] = set()
        for part in _slices(keys):
            for key, article_id in conn.execute(sa.select(bands.c.band_key, bands.c.article_id).where(bands.c.band_key.in_(part))):
                self.ids_of_band[key].add(article_id)
        candidates = sorted({a for key in keys for a in self.ids_of_band[key] if a not in self.signatures})
        for part in _slices(candidates):
            for article_id, blob in conn.execute(sa.select(sigs.c.article_id, sigs.c.signature).where(sigs.c.article_id.in_(part))):
                self.signatures[article_id] = np.frombuffer(blob, dtype=np.uint32)

    def save(self, row: dict, result, log: list) -> None:
        """One item of a file (looked up before): a note, a rejection, or an article to store;
        counted in ``result`` (an ``ingested.FileResult``) and logged in ``log``."""
        result.items += 1
        item = row.get("where")
        if row.get("note"):
            log.append((item, "note", row["note"], None))
        if row.get("problem"):
            reject(result, log, item, row["problem"])
            return
        self._store_article(row, item, result, log)

    def _store_article(self, row: dict, item: str | None, result, log: list) -> None:
        article_id = row["article_id"]
        if article_id not in self.origin_of_id or row["content_hash"] not in self.id_of_hash:
            self.look_up([row])  # a row save() was given without look_up()
        if self.origin_of_id.get(article_id) is not None:
            result.duplicates += 1
            log.append((item, "duplicate", f"already stored as {article_id} (from {self.origin_of_id[article_id]})", article_id))
            return
        duplicate_of = None
        same_body = self.id_of_hash.get(row["content_hash"])
        match = (same_body, 1.0) if same_body else None
        sig = _signature(row)
        if match is None and sig is not None:
            match = self._near_duplicate(row, sig)
        if match is not None:
            original, original_source = self._original_of(match[0])
            if dedup.normalize_text(original_source or "") == dedup.normalize_text(row["source"] or ""):
                result.duplicates += 1
                log.append((item, "duplicate", f"same article as {original} from the same source (similarity {match[1]:.2f})", original))
                return
            duplicate_of = original
        values = {name: _sql_value(row.get(name)) for name in schema.ARTICLE_COLUMNS}
        values.update(duplicate_of=duplicate_of, ingested_at=self.now)
        self.articles.append(values)
        self.origin_of_id[article_id] = row.get("origin_file")
        if self.id_of_hash.get(row["content_hash"]) is None:
            self.id_of_hash[row["content_hash"]] = article_id
        self.originals[article_id] = (duplicate_of, row["source"])
        if sig is not None:
            self.signatures[article_id] = sig
            self.signature_rows.append({"article_id": article_id, "signature": sig.tobytes()})
            for key in self._band_keys(row):
                self.ids_of_band.setdefault(key, set()).add(article_id)
                self.band_rows.append({"band_key": key, "article_id": article_id})
        result.stored += 1
        message = f"stored as {article_id}" + (f", same story as {duplicate_of}" if duplicate_of else "")
        log.append((item, "stored", message, article_id))

    def _near_duplicate(self, row: dict, sig: np.ndarray) -> tuple[str, float] | None:
        keys = self._band_keys(row)
        self._look_up_bands(keys)
        # In article_id order, the order the store returns a primary-key IN list in: of equally
        # similar candidates the first wins, as it did when they were read from the store.
        best: tuple[str, float] | None = None
        for article_id in sorted({a for key in keys for a in self.ids_of_band.get(key, ())}):
            other = self.signatures.get(article_id)
            if other is None:
                continue
            score = dedup.similarity(sig, other)
            if score >= dedup.NEAR_DUPLICATE_SIMILARITY and (best is None or score > best[1]):
                best = (article_id, score)
        return best

    def _original_of(self, article_id: str) -> tuple[str, str | None]:
        """The first stored copy of a story (the one others link to) and its source."""
        self._read_originals([article_id])
        duplicate_of, source = self.originals.get(article_id, (None, None))
        if duplicate_of:
            self._read_originals([duplicate_of])
            return duplicate_of, self.originals.get(duplicate_of, (None, None))[1]
        return article_id, source

    def _read_originals(self, ids: list[str]) -> None:
        missing = [i for i in ids if i not in self.originals]
        if missing:
            for article_id, duplicate_of, source in self.conn.execute(_ORIGINAL, {"ids": missing}):
                self.originals[article_id] = (duplicate_of, source)

    def flush(self) -> None:
        """Insert the articles saved since the last flush, with their signatures and band keys."""
        for table, rows in ((_ARTICLES, self.articles), (schema.minhash_signatures, self.signature_rows),
                            (schema.near_duplicate_bands, self.band_rows)):
            if rows:
                self.conn.execute(table.insert(), rows)
                rows.clear()


def _sql_value(value):
    """Rows come from ``schema.records``, where missing values are already None."""
    return value.to_pydatetime() if isinstance(value, pd.Timestamp) else value
