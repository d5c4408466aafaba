"""Text fingerprints: an exact content hash and a 64-bit simhash for near-duplicates.

Both read normalised text (case, punctuation, white space and co-operation/cooperation folded), so
two renderings of one text hash alike. Simhash is over word 3-shingles (Charikar 2002).
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from functools import lru_cache

_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_FOLDS = (("co-operation", "cooperation"), ("co-operate", "cooperate"), ("co-ordinat", "coordinat"),
          ("organisation", "organization"))
# _BIT_OF_BYTE[k] maps a byte to its bit k (0 or 1), for bytes.translate.
_BIT_OF_BYTE = tuple(bytes((v >> k) & 1 for v in range(256)) for k in range(8))
STOPWORDS = frozenset(
    "a an and are as at be by for from has have in is it its of on or that the their this to was "
    "were will with".split()
)


def normalise(text: str) -> str:
    text = unicodedata.normalize("NFKC", text or "").lower()
    for a, b in _FOLDS:
        text = text.replace(a, b)
    return " ".join(_WORD.findall(text))


def words(text: str) -> list[str]:
    return normalise(text).split()


def content_hash(title: str, body: str) -> str:
    return hashlib.sha256(f"{normalise(title)}\n{normalise(body)}".encode()).hexdigest()


def shingles(text: str, max_words: int = 5000) -> list[str]:
    tokens = words(text)[:max_words]
    return [" ".join(tokens[i : i + 3]) for i in range(max(1, len(tokens) - 2))] if tokens else []


def resemblance(a: str, b: str) -> float:
    """Jaccard similarity of the two texts' word 3-shingles (1.0 = same wording)."""
    sa, sb = _shingle_set(a), _shingle_set(b)
    return len(sa & sb) / len(sa | sb) if sa and sb else 0.0


@lru_cache(maxsize=256)
def _shingle_set(text: str) -> frozenset[str]:
    # Cached: the near-duplicate check compares one new text with each same-day item, and
    # those items again with the next new one (bench/upsert.py).
    return frozenset(shingles(text))


def simhash64(text: str, max_words: int = 5000) -> int:
    """64-bit simhash, as a *signed* int so it fits a BIGINT column."""
    digests = b"".join(hashlib.blake2b(s.encode(), digest_size=8).digest()
                       for s in shingles(text, max_words))
    count = len(digests) // 8
    # A bit is set when more shingle hashes have it than not. The hashes' byte j, taken from
    # all of them at once (digests[j::8]), is counted per bit with a lookup table in C: 5x
    # faster than 64 shifts per hash (bench/upsert.py). Byte 0 bit 7 is bit 63 (big-endian).
    value = 0
    for j in range(8):
        column = digests[j::8]
        for bit in range(7, -1, -1):
            value = value << 1 | (2 * column.translate(_BIT_OF_BYTE[bit]).count(1) > count)
    return value - (1 << 64) if value >= 1 << 63 else value


def hamming(a: int, b: int) -> int:
    return ((a ^ b) & ((1 << 64) - 1)).bit_count()


def significant_words(text: str) -> set[str]:
    """Words that carry meaning: no stop words, no bare numbers, no one-letter tokens."""
    return {w for w in words(text) if w not in STOPWORDS and len(w) > 1 and not w.isdigit()}
