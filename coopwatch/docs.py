"""Generate the README's option table from core.config.OPTIONS (one source of truth).

    python -m coopwatch.docs   # the Markdown table; tests/coopwatch/test_docs.py checks the README
"""

from __future__ import annotations

from core.config import OPTIONS


def options_table() -> str:
    rows = ["| option (env var; TOML key in lower case without the prefix) | default | meaning |",
            "|---|---|---|"]
    for opt in OPTIONS:
        default = f"`{opt.default}`" if opt.default != "" else "(empty)"
        secret = " *(secret: redacted by `coopwatch config`)*" if opt.secret else ""
        rows.append(f"| `{opt.name}` | {default} | {opt.help}{secret} |")
    return "\n".join(rows)


if __name__ == "__main__":
    print(options_table())
