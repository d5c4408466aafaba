"""scheduler.console: the monitor's JSON lines, and its options' mistakes as one line."""

from __future__ import annotations

import json
import logging
import sys

import pytest
from typer.testing import CliRunner

from coopwatch.cli import app
from scheduler.console import JsonLines


def record(msg: str, args: object, exc: bool = False) -> logging.LogRecord:
    exc_info = None
    if exc:
        try:
            raise ValueError("boom")
        except ValueError:
            exc_info = sys.exc_info()
    return logging.LogRecord("scheduler.path", logging.INFO, __file__, 1, msg, (args,),
                             exc_info)


def test_a_json_line_has_the_message_and_the_fields_of_the_call() -> None:
    line = json.loads(JsonLines().format(record(
        "check %(source)s %(status)s %(duration_s)ss", {
            "source": "osce", "status": "ok", "duration_s": 1.8, "level": "not the level"})))
    assert line["message"] == "check osce ok 1.8s"
    assert line["level"] == "INFO" and line["logger"] == "scheduler.path"
    assert line["source"] == "osce" and line["duration_s"] == 1.8
    assert line["ts"].endswith("+00:00")
    # a positional argument is no field; an exception keeps its traceback on the same line
    plain = JsonLines().format(record("ids %s", [1, 2], exc=True))
    assert "\n" not in plain
    assert json.loads(plain)["message"] == "ids [1, 2]"
    assert "ValueError: boom" in json.loads(plain)["exception"]


@pytest.mark.parametrize(("option", "value", "message"), [
    ("COOPWATCH_LOG_FORMAT", "xml", "COOPWATCH_LOG_FORMAT must be text or json, got 'xml'"),
    ("COOPWATCH_RUN_LOG_DAYS", "-3", "COOPWATCH_RUN_LOG_DAYS must be a number of days"),
])
def test_a_bad_logging_option_stops_the_monitor_with_one_line(
        cli_env: dict[str, str], monkeypatch: pytest.MonkeyPatch, option: str, value: str,
        message: str) -> None:
    monkeypatch.setenv(option, value)
    result = CliRunner().invoke(app, ["run"])
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: {message}") and result.stderr.count("\n") == 1
