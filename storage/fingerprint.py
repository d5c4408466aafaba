"""Text fingerprints: an exact content hash and a 64-bit simhash for near-duplicates.

Both read normalised text (case, punctuation, white space and co-operation/cooperation folded), so
two renderings of one text hash alike. Simhash is over word 3-shingles (Charikar 2002).
"""

from __future__ import annotations

import hashlib
import re
import sys
import unicodedata
from functools import lru_cache
from typing import NamedTuple

_WORD = re.compile(r"[^\W_]+", re.UNICODE)  # a word, as words() splits them
_NON_ASCII = re.compile(r"[^\x00-\x7f]")
# ASCII letters and digits kept, other ASCII bytes to a space, UTF-8's bytes >= 0x80 kept.
_ASCII_SPACES = bytes(c if chr(c).isalnum() else 0x20 for c in range(128)) + bytes(range(128, 256))
_FOLDS = (("co-operation", "cooperation"), ("co-operate", "cooperate"), ("co-ordinat", "coordinat"),
          ("organisation", "organization"))
# _BIT_OF_BYTE[k] maps a byte to its bit k (0 or 1), for bytes.translate.
_BIT_OF_BYTE = tuple(bytes((v >> k) & 1 for v in range(256)) for k in range(8))
_BLAKE2B_8 = hashlib.blake2b(digest_size=8)  # copied per shingle, never updated itself
STOPWORDS = frozenset(
    "a an and are as at be by for from has have in is it its of on or that the their this to was "
    "were will with".split()
)


def words(text: str) -> list[str]:
    """The words of _WORD (letters and digits, in the Unicode sense) after NFKC, lower case and
    the folds. Split in C rather than by the regex (3x faster, bench/upsert.py): non-ASCII
    characters that are not letters or digits become spaces, then every ASCII one does too
    (a bytes translate), and what is left between spaces is exactly _WORD's matches."""
    text = unicodedata.normalize("NFKC", text or "").lower()
    for a, b in _FOLDS:
        text = text.replace(a, b)
    if text.isascii():
        return text.encode("ascii").translate(_ASCII_SPACES).decode("ascii").split()
    for ch in set(_NON_ASCII.findall(text)):
        if not ch.isalnum():  # re's word characters are str.isalnum() ones (and "_")
            text = text.replace(ch, " ")
    return text.encode().translate(_ASCII_SPACES).decode().split()


def normalise(text: str) -> str:
    return " ".join(words(text))


def content_hash(title: str, body: str) -> str:
    return _content_hash(words(title), words(body))


def _content_hash(title_words: list[str], body_words: list[str]) -> str:
    text = f"{' '.join(title_words)}\n{' '.join(body_words)}"
    return hashlib.sha256(text.encode()).hexdigest()


class Fingerprints(NamedTuple):
    content_hash: str
    simhash: int
    shingles: list[str]


def fingerprints(title: str, body: str, max_words: int = 5000) -> Fingerprints:
    """content_hash(title, body), simhash64(f"{title} {body}") and that text's shingles,
    normalising each text once: the words of "title body" are the title's then the body's (no
    fold, case or NFKC rule reaches across a space)."""
    title_words, body_words = words(title), words(body)
    tokens = (title_words + body_words)[:max_words]
    found = _shingles(tokens)
    return Fingerprints(_content_hash(title_words, body_words), _simhash_of(found), found)


def shingles(text: str, max_words: int = 5000) -> list[str]:
    return _shingles(words(text)[:max_words])


def _shingles(tokens: list[str]) -> list[str]:
    if len(tokens) < 3:
        return [" ".join(tokens)] if tokens else []
    return [f"{a} {b} {c}" for a, b, c in zip(tokens, tokens[1:], tokens[2:], strict=False)]


def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    """Similarity of two shingle sets (1.0 = same wording)."""
    return len(a & b) / len(a | b) if a and b else 0.0


@lru_cache(maxsize=256)
def shingle_set(text: str) -> frozenset[str]:
    # Cached: the near-duplicate check compares one new text with each same-day item, and
    # those items again with the next new one (bench/upsert.py).
    return frozenset(shingles(text))


def simhash64(text: str, max_words: int = 5000) -> int:
    """64-bit simhash, as a *signed* int so it fits a BIGINT column."""
    return _simhash(words(text)[:max_words])


def _simhash(tokens: list[str]) -> int:
    return _simhash_of(_shingles(tokens))


def _simhash_of(found: list[str]) -> int:
    digests = []
    for shingle in "\n".join(found).encode().split(b"\n") if found else ():
        # a copy of a prepared hasher: 20 % less than parsing blake2b(…, digest_size=8)
        hasher = _BLAKE2B_8.copy()
        hasher.update(shingle)
        digests.append(hasher.digest())
    return _majority(b"".join(digests))


def _majority(digests: bytes) -> int:
    count = len(digests) // 8
    if not count:
        return 0
    # A bit is set when more shingle hashes have it than not. Counted in C for all 64 bits
    # at once per bit of a byte, not 64 shifts per hash (5x, bench/upsert.py): bytes.translate
    # maps every byte to its bit k (0 or 1); read as 8-byte integers and summed, the sum's
    # byte j counts bit k of byte j over all hashes — 255 hashes at a time, so that no byte
    # carries into the next. Byte 0 bit 7 of a hash is bit 63 of the simhash (big-endian).
    counts = []  # per bit k, 7 first: the eight byte counts
    for k in range(7, -1, -1):
        plane = memoryview(digests.translate(_BIT_OF_BYTE[k])).cast("Q")
        sums = [sum(plane[i:i + 255]).to_bytes(8, sys.byteorder)
                for i in range(0, len(plane), 255)]
        counts.append(sums[0] if len(sums) == 1 else [sum(c) for c in zip(*sums, strict=True)])
    value = 0
    for j in range(8):
        for by_byte in counts:
            value = value << 1 | (2 * by_byte[j] > count)
    return value - (1 << 64) if value >= 1 << 63 else value


def hamming(a: int, b: int) -> int:
    return ((a ^ b) & ((1 << 64) - 1)).bit_count()


def significant_words(text: str) -> set[str]:
    """Words that carry meaning: no stop words, no bare numbers, no one-letter tokens."""
    return {w for w in words(text) if w not in STOPWORDS and len(w) > 1 and not w.isdigit()}
