"""Characters that steer a terminal or reorder text rather than being text.

A scraped title can carry `ESC ] 0 ;` (retitle the terminal), `ESC [ 2 J` (clear it), an OSC-8
hyperlink, or a right-to-left override that makes `exe.txt` read as `txt.exe`. They are removed
when an Article is made (core.article), so nothing stored, classified, indexed or alerted on
holds them; the raw page kept by `coopwatch capture` is not an Article and keeps them.

Removed: C0 controls, DEL, C1 controls (U+0080–U+009F: U+009B is a CSI on some terminals) and
the bidi embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069). A text block (body,
summary) keeps its tabs and line breaks, `\\r\\n` and a lone `\\r` becoming `\\n`; a one-line
field turns any line break or tab into a space.
"""

from __future__ import annotations

import re

_STRIPPED = "\x00-\x08\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069"
_BREAKS = "\t\n\r\x0b\x0c"
_IN_BLOCK = re.compile(f"\r\n?|[\x0b\x0c]|[{_STRIPPED}]+")
_IN_LINE = re.compile(f"[{_BREAKS}]+|[{_STRIPPED}]+")
# For display: everything above, and line breaks and tabs unless the caller keeps them.
_SHOWN = re.compile(f"[{_BREAKS}{_STRIPPED}]")


def _block_piece(m: re.Match[str]) -> str:
    return "\n" if m.group()[0] in _BREAKS else ""


def _line_piece(m: re.Match[str]) -> str:
    return " " if m.group()[0] in _BREAKS else ""


def text_block(text: str) -> str:
    """A body or summary without controls and bidi overrides; tabs and line breaks stay."""
    return _IN_BLOCK.sub(_block_piece, text)


def one_line(text: str) -> str:
    """A title-like field without controls and bidi overrides; breaks and tabs become spaces."""
    return _IN_LINE.sub(_line_piece, text)


def visible(text: str, keep: str = "") -> str:
    """`text` safe to print to a terminal: each control or bidi override (except the characters
    in `keep`, e.g. "\\n\\t" for a body) written out as its escape, `\\x1b` or `\\u202e`, so an
    old row that holds one shows it instead of acting on it."""
    return _SHOWN.sub(lambda m: m.group() if m.group() in keep else
                      m.group().encode("unicode_escape").decode("ascii"), text)
