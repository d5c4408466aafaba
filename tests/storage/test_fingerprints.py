"""storage.fingerprint's fast paths give exactly what the plain definitions give: the regex word
split, one hash per shingle, one counter per bit — the values stored in every archive."""

from __future__ import annotations

import hashlib
import random
import re
import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from storage import fingerprint as fp

# The definitions, as first written (before words() split in C and bits were counted by sums).
_WORD = re.compile(r"[^\W_]+", re.UNICODE)


def ref_words(text: str) -> list[str]:
    text = unicodedata.normalize("NFKC", text or "").lower()
    for a, b in fp._FOLDS:
        text = text.replace(a, b)
    return _WORD.findall(text)


def ref_shingles(text: str, max_words: int = 5000) -> list[str]:
    tokens = ref_words(text)[:max_words]
    return [" ".join(tokens[i:i + 3]) for i in range(max(1, len(tokens) - 2))] if tokens else []


def ref_simhash(text: str, max_words: int = 5000) -> int:
    counts = [0] * 64
    hashes = [int.from_bytes(hashlib.blake2b(s.encode(), digest_size=8).digest(), "big")
              for s in ref_shingles(text, max_words)]
    for h in hashes:
        for bit in range(64):
            counts[bit] += h >> bit & 1
    value = sum(1 << bit for bit in range(64) if 2 * counts[bit] > len(hashes))
    return value - (1 << 64) if value >= 1 << 63 else value


def ref_content_hash(title: str, body: str) -> str:
    text = f"{' '.join(ref_words(title))}\n{' '.join(ref_words(body))}"
    return hashlib.sha256(text.encode()).hexdigest()


# Letters and digits of several scripts, marks, NFKC-folded forms, punctuation the sites use,
# the folds, a lone surrogate, and what lower() treats specially (final sigma, dotted I).
TRICKY = [*"aZ09_ -–—’'.,:;()/\u00a0\u2009éè\u0301ßΣσςİıﬁ①²Ⅳ\U0001d400\ud800日本語عربيщ\u200b\t\n",
          "co-operation", "Co-Operate", "co-ordinat", "organisation", "OSCE"]
texts = st.one_of(st.text(max_size=80), st.lists(st.sampled_from(TRICKY), max_size=30).map(
    "".join))


@settings(max_examples=3000, deadline=None)
@given(texts, texts)
def test_the_fast_paths_are_the_definitions(title: str, body: str) -> None:
    assert fp.words(title) == ref_words(title)
    assert fp.normalise(body) == " ".join(ref_words(body))
    assert fp.shingles(body) == ref_shingles(body)
    full = f"{title} {body}"
    assert fp.simhash64(full) == ref_simhash(full)
    assert fp.content_hash(title, body) == ref_content_hash(title, body)
    # one normalisation for all three: the words of "title body" are the title's, the body's
    found = fp.fingerprints(title, body)
    assert found == (ref_content_hash(title, body), ref_simhash(full), ref_shingles(full))
    assert fp.fingerprints(title, body, max_words=4)[1:] == (ref_simhash(full, 4),
                                                             ref_shingles(full, 4))


def test_simhash_of_many_shingles_counts_past_255() -> None:
    """The bit counts are summed 255 hashes at a time; longer texts cross that boundary."""
    rng = random.Random(5)
    for n in (0, 1, 2, 3, 254, 255, 256, 257, 511, 600, 5003):
        text = " ".join(f"w{rng.randrange(60)}" for _ in range(n))
        assert fp.simhash64(text) == ref_simhash(text), n
    assert fp.simhash64("x " * 6000) == ref_simhash("x " * 6000)  # max_words cuts at 5000
