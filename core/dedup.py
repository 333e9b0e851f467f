"""Fingerprints that make duplicates findable: an exact content hash, a stable article id, and a
MinHash signature whose bands find near-identical bodies (the same wire story under another
outlet's clutter) by an indexed lookup in the store.
"""
from __future__ import annotations

import functools
import hashlib
import unicodedata

import numpy as np
import pandas as pd

from core import languages, schema

NUM_PERM = 64
BANDS = 16
ROWS_PER_BAND = NUM_PERM // BANDS
# Estimated Jaccard similarity of word 3-shingles above which two bodies are one story. Measured on
# the sample corpus: syndicated copies score 0.9-1.0, different articles on one event below 0.2.
NEAR_DUPLICATE_SIMILARITY = 0.8
# Too few shingles make the estimate noisy: short texts are compared by exact hash only.
MIN_SHINGLES = 20
SHINGLE_WORDS = 3
# A body shorter than this is a brief (a feed item's summary, a wire flash, an export row of one or
# two sentences): on its own it does not identify an article ("Read more.", "Developing story."
# end many feed items), so a brief's headline is part of what identifies it. Longer bodies are
# identified by themselves, as they always were, so stored ids do not change.
BRIEF_WORDS = 20
# ... or, in a script written without spaces between words, fewer characters than this.
BRIEF_CHARS_UNSPACED = 100

@functools.lru_cache(maxsize=1)
def _template():
    # datasketch takes half a second to import; a re-run over unchanged files never needs it.
    from datasketch import MinHash
    return MinHash, MinHash(num_perm=NUM_PERM, seed=1)


# Punctuation, symbols and control/format characters of the Basic Multilingual Plane, mapped to
# spaces once: str.translate then does per article what a per-character category test did at
# a tenth of the speed.
_TO_SPACE = {code: " " for code in range(0x10000) if unicodedata.category(chr(code))[0] in "PSC"}


def normalize_text(text: str) -> str:
    """What two copies of one article share whatever their typography: case, Unicode forms,
    punctuation and spacing are dropped."""
    text = unicodedata.normalize("NFKC", text or "").casefold().translate(_TO_SPACE)
    return " ".join(text.split())


def _hash(*parts: str, size: int) -> str:
    return hashlib.blake2b("\x1f".join(parts).encode("utf-8"), digest_size=size).hexdigest()


def content_hash(text: str) -> str:
    return _hash(normalize_text(text), size=16)


def is_brief(text: str) -> bool:
    """Whether a body is too short to identify an article by itself (see BRIEF_WORDS)."""
    # languages.word_count: a Chinese or Japanese article of four paragraphs is not four words.
    words = languages.word_count(text)
    return words < BRIEF_WORDS and not (words <= 3 and len(text) >= BRIEF_CHARS_UNSPACED)


def _identifying_content(title, text: str) -> str:
    if is_brief(text) and isinstance(title, str) and title:
        return f"{title}\n\n{text}"
    return text


def article_id(source: str | None, content: str) -> str:
    return _hash(normalize_text(source or ""), content, size=8)


def _shingles(normalized: str) -> list[bytes]:
    words = normalized.split()
    # A Chinese or Japanese article has spaces only between its paragraphs (after normalize_text):
    # word shingles would be runs of whole paragraphs.
    if (len(words) < SHINGLE_WORDS * 4 and len(normalized) > 200) or languages.word_count(normalized) > 2 * len(words):
        # Scripts written without spaces: character 5-grams instead of word shingles.
        return [normalized[i:i + 5].encode() for i in range(len(normalized) - 4)]
    return [" ".join(words[i:i + SHINGLE_WORDS]).encode() for i in range(len(words) - SHINGLE_WORDS + 1)]


def signature(text: str) -> np.ndarray | None:
    shingles = _shingles(normalize_text(text))
    if len(set(shingles)) < MIN_SHINGLES:
        return None
    minhash_class, template = _template()
    minhash = minhash_class(num_perm=NUM_PERM, seed=1, permutations=template.permutations, scheme=template.scheme)
    minhash.update_batch(shingles)
    return minhash.hashvalues.astype(np.uint32)


def band_keys(sig: np.ndarray) -> list[int]:
    """One signed 64-bit key per band (SQL integers are signed)."""
    keys = []
    for band in range(BANDS):
        chunk = sig[band * ROWS_PER_BAND:(band + 1) * ROWS_PER_BAND].tobytes()
        digest = hashlib.blake2b(bytes([band]) + chunk, digest_size=8).digest()
        keys.append(int.from_bytes(digest, "big", signed=True))
    return keys


def similarity(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.count_nonzero(a == b)) / len(a)


def fingerprint(articles: pd.DataFrame) -> pd.DataFrame:
    """Needs: articles[source, text] and, for briefs, title. Adds: content_hash (str; of the body,
    or of a brief's headline and body), article_id (str), signature (uint32 array, or None for
    texts too short to compare by similarity)."""
    schema.require_columns(articles, ("source", "text"), stage="dedup")
    out = articles.copy()
    titles = out["title"] if "title" in out.columns else [None] * len(out)
    hashes = [content_hash(_identifying_content(title, text)) for title, text in zip(titles, out["text"])]
    out["content_hash"] = hashes
    out["article_id"] = [article_id(s if isinstance(s, str) else None, h) for s, h in zip(out["source"], hashes)]
    out["signature"] = [signature(t) for t in out["text"]]
    return out
