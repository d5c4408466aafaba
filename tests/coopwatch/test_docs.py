"""The README stays honest: every command and every option is documented."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import typer

from coopwatch.cli import app
from coopwatch.docs import options_table
from core.config import OPTIONS

README = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")


def commands() -> list[str]:
    root = typer.main.get_command(app)
    names = []
    for name, cmd in root.commands.items():  # type: ignore[attr-defined]
        subs = getattr(cmd, "commands", None)
        names += [f"{name} {sub}" for sub in subs] if subs else [name]
    return sorted(names)


def test_readme_opens_with_the_two_commands() -> None:
    first_block = README.split("```", 2)[1]
    assert re.findall(r"^make (\w+)", first_block, re.M) == ["run", "test"]


@pytest.mark.parametrize("name", commands())
def test_command_is_documented(name: str) -> None:
    head = name.split()[0]
    assert f"coopwatch {name}" in README or f"coopwatch {head}" in README, (
        f"document `coopwatch {name}` in the README")


@pytest.mark.parametrize("name", commands())
def test_command_has_help_with_an_example(name: str) -> None:
    root = typer.main.get_command(app)
    cmd = root
    for part in name.split():
        cmd = cmd.commands[part]  # type: ignore[attr-defined]
    assert cmd.help and cmd.help.strip(), f"`coopwatch {name}` has no help"


def test_options_table_is_current() -> None:
    table = options_table()
    block = README.split("<!-- options:start", 1)[1].split("<!-- options:end -->", 1)[0]
    assert table in block, "regenerate the table: python -m coopwatch.docs"
    for opt in OPTIONS:
        assert f"`{opt.name}`" in README


def test_ci_runs_exactly_make_test() -> None:
    ci = (Path(__file__).resolve().parents[2] / ".ci" / "run").read_text()
    assert re.findall(r"^make .*$", ci, re.M) == ["make test"]
