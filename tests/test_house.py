"""The house (issue 16): every stage in its own room, no arrow back up to the CLI, one list of
the sources, one crawl path. Figures read by bench/house.py; here the limits they must keep."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
try:
    import house
finally:
    sys.path.remove(str(ROOT / "bench"))

# Modules allowed over house.MAX_LINES: data, not logic (the replica's generated items).
DATA_TABLES = frozenset({"replica.catalogue"})


@pytest.fixture(scope="module")
def mods() -> dict[str, house.Module]:
    return house.modules()


def test_every_package_is_measured() -> None:
    packages = {p.parent.name for p in ROOT.glob("*/__init__.py")}
    assert packages <= set(house.PACKAGES), "add the new package to bench/house.py PACKAGES"


def test_no_stage_imports_the_cli_package(mods: dict[str, house.Module]) -> None:
    assert house.cli_importers(mods) == []


def test_the_sources_are_listed_once(mods: dict[str, house.Module]) -> None:
    assert house.source_lists(mods) == ["core.sources"]


def test_one_module_wires_crawl_health_alerts(mods: dict[str, house.Module]) -> None:
    assert house.crawl_starters(mods) == ["scheduler.path"]


def test_no_config_is_loaded_at_import(mods: dict[str, house.Module]) -> None:
    assert house.import_time_config(mods) == []


def _tree(tmp_path: Path, files: dict[str, str]) -> dict[str, house.Module]:
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return house.modules(tmp_path)


def test_the_measures_see_what_they_measure(tmp_path: Path) -> None:
    """A planted arrow up, cycle, source list, crawl starter, import-time config and long
    module are each found: the limits above cannot pass by measuring nothing."""
    mods = _tree(tmp_path, {
        "coopwatch/__init__.py": "", "coopwatch/cli.py": "import feeds.a\n",
        "feeds/__init__.py": "",
        "feeds/a.py": "from feeds import b\nSOURCES = ('osce', 'interpol')\n",
        "feeds/b.py": "def f():\n    from feeds.a import SOURCES\n"
                      "    from coopwatch.cli import x\n",
        "feeds/c.py": "import importlib\nimportlib.import_module('feeds.d')\n",
        "feeds/d.py": "from feeds import c\n",
        "scheduler/__init__.py": "",
        "scheduler/c.py": "from crawler.child import crawl_in_child\n"
                          "from core.config import load_config\ncfg = load_config()\n"
                          + "x = 1\n" * (house.MAX_LINES + 1),
        "crawler/__init__.py": "", "crawler/child.py": "",
        "coopwatch/crawl.py": "from crawler.child import CrawlInterrupted\n",
    })
    assert house.cli_importers(mods) == ["feeds.b"]
    assert house.cycles(house.import_graph(mods)) == [["coopwatch.cli", "feeds.a", "feeds.b"],
                                                      ["feeds.c", "feeds.d"]]
    assert house.source_lists(mods) == ["feeds.a"]
    assert house.crawl_starters(mods) == ["scheduler.c"]
    assert house.import_time_config(mods) == ["scheduler.c"]
    assert list(house.big_modules(mods)) == ["scheduler.c"]
    assert next(iter(house.package_shares(mods))) == "scheduler"


def test_no_import_cycles_between_files(mods: dict[str, house.Module]) -> None:
    assert house.cycles(house.import_graph(mods)) == []


def test_no_package_holds_more_than_a_quarter_of_the_code(mods: dict[str, house.Module]) -> None:
    biggest, share = next(iter(house.package_shares(mods).items()))
    assert share <= 0.25, f"{biggest}/ holds {share:.0%} of the code"


def test_modules_stay_small(mods: dict[str, house.Module]) -> None:
    big = house.big_modules(mods | house.scripts())
    assert set(big) <= DATA_TABLES, f"over {house.MAX_LINES} lines: {big}"
