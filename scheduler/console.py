"""The monitor's console: what a person on call reads, or a log shipper parses.

One line per check (scheduler.path.log_check), one per alert batch that did anything, and the
start, stop and trouble lines; each crawl's full Scrapy log is in its run's file instead
(core.runlogs). COOPWATCH_LOG_FORMAT=json makes each line one JSON object: ts, level, logger,
message, plus the fields of the line (the mapping every coopwatch log call passes as its
arguments — source, status, requests, … for a check). COOPWATCH_LOG_LEVEL sets the level.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from core.config import Config, ConfigError

FORMATS = ("text", "json")
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
# Chatter an operator does not need on the console: APScheduler's two lines per job run, and
# uvicorn's line per HTTP request (a reverse proxy in front keeps the access log).
QUIET_LOGGERS = ("apscheduler.executors", "uvicorn.access")


class JsonLines(logging.Formatter):
    """One JSON object per record. Written here rather than taken from python-json-logger:
    the fields are the record's mapping arguments, which that library does not read."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname, "logger": record.name, "message": record.getMessage()}
        if isinstance(record.args, Mapping):
            line |= {str(k): v for k, v in record.args.items() if k not in line}
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False, default=str)


def log_format(cfg: Config) -> str:
    value = str(cfg["COOPWATCH_LOG_FORMAT"]).strip().lower()
    if value not in FORMATS:
        raise ConfigError(f"COOPWATCH_LOG_FORMAT must be text or json, got "
                          f"{cfg['COOPWATCH_LOG_FORMAT']!r}")
    return value


def configure(cfg: Config) -> None:
    """Send every log record to stderr in the configured format (call once, at start; like
    basicConfig, it leaves a logging set up before, e.g. by a test runner, as it is)."""
    handler = logging.StreamHandler()
    handler.setFormatter(JsonLines() if log_format(cfg) == "json" else
                         logging.Formatter(TEXT_FORMAT))
    logging.basicConfig(level=os.environ.get("COOPWATCH_LOG_LEVEL", "INFO").upper(),
                        handlers=[handler])
    logging.captureWarnings(True)  # a library's warning is a record too: one line, one format
    for name in QUIET_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)
