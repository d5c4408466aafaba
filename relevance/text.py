"""An item's text as relevance reads it: markup and controls dropped (clean_text), the
summary read with the body when the body does not repeat it (body_with_summary)."""

from __future__ import annotations

import html
import re
from typing import Any

_HTML_HINT = re.compile(r"<[a-zA-Z!/?]|&(?:#\d{1,7}|#[xX][0-9a-fA-F]{1,6}|[a-zA-Z]{2,10});")
_DROPPED = re.compile(r"<(script|style|noscript|template)\b|<!--", re.IGNORECASE)
_CLOSERS = {name: re.compile(rf"</{name}\s*>", re.IGNORECASE)
            for name in ("script", "style", "noscript", "template")}
_BLOCK_TAG = re.compile(
    r"</?(?:p|div|br|li|ul|ol|h[1-6]|tr|td|th|table|section|article|header|footer|blockquote|"
    r"hr|dd|dt|dl|figure|figcaption|main|aside|nav)\b[^<>]*>", re.IGNORECASE)
_TAG = re.compile(r"</?[a-zA-Z][^<>]*>|<![^<>]*>|<\?[^<>]*>")


def _drop_elements(text: str) -> str:
    """Remove scripts, styles and comments in one linear pass (no backtracking regex)."""
    out, pos = [], 0
    while (m := _DROPPED.search(text, pos)) is not None:
        out.append(text[pos:m.start()])
        if m.group(1) is None:
            end = text.find("-->", m.end())
            pos = -1 if end < 0 else end + 3
        else:
            close = _CLOSERS[m.group(1).lower()].search(text, m.end())
            pos = -1 if close is None else close.end()
        if pos < 0:
            return "".join(out)  # unclosed: the rest is script, not text
        out.append(" ")
    out.append(text[pos:])
    return "".join(out)


def clean_text(text: str) -> tuple[str, bool]:
    """(plain text, whether HTML was removed). Plain text comes back unchanged, so positions
    in the reasons are positions in what the caller passed."""
    if not _HTML_HINT.search(text):
        return text, False
    text = _drop_elements(text)
    text = _BLOCK_TAG.sub("\n", text)
    text = _TAG.sub(" ", text)
    return html.unescape(text), True


def _as_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bytes | bytearray):
        text = bytes(value).decode("utf-8", "replace")
    else:
        text = value if isinstance(value, str) else str(value)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # lone surrogates: replaced one for one, so positions hold
        text = text.encode("utf-8", "replace").decode("utf-8")
    return text


def body_with_summary(summary: str | None, body: str | None) -> str:
    """The text to classify as body when an item has a summary: the summary first (it is the
    lead), unless the body already holds it (pages often repeat their lead)."""
    summary, body = _as_text(summary).strip(), _as_text(body)
    if not summary:
        return body
    if not body.strip():
        return summary
    probe = " ".join(summary.rstrip(" .…").split())[:200]
    if probe and probe in " ".join(body[: len(summary) + 2000].split()):
        return body
    return f"{summary}\n\n{body}"
