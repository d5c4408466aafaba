"""The shape of the house (issue 16): which rooms import which, how big each room is.

    python bench/house.py [ROOT]     (ROOT: another checkout, e.g. from `git archive`)

Prints the figures of the issue's table, read from the source files (no import is executed):
modules of the stages importing the CLI package, import cycles between files, the share of all
code in the biggest package, the modules that list the sources themselves, modules over the
size limit. tests/test_house.py asserts the "after" column from the same functions.
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CLI_PACKAGE = "coopwatch"
# Every top-level package of the product; a new room is added here (the test fails on a
# package it does not know, so none is left out of the figures).
PACKAGES = ("core", "coopwatch", "crawler", "relevance", "replica", "storage", "feeds", "web",
            "scheduler")
STAGES = ("core", "crawler", "relevance", "replica", "storage", "feeds", "web", "scheduler")
MAX_LINES = 400
SOURCE_NAMES = ("osce", "interpol")
REPLICA = ("replica", "crawler.replica")  # where the replica lives, before and after issue 16


@dataclass(frozen=True)
class Module:
    name: str  # dotted, e.g. "crawler.pages.base"
    path: Path
    tree: ast.Module
    lines: int


def modules(root: Path = ROOT) -> dict[str, Module]:
    found: dict[str, Module] = {}
    for package in PACKAGES:
        for path in sorted((root / package).rglob("*.py")):
            rel = path.relative_to(root).with_suffix("")
            parts = rel.parts[:-1] if rel.name == "__init__" else rel.parts
            text = path.read_text(encoding="utf-8")
            found[".".join(parts)] = Module(".".join(parts), path, ast.parse(text),
                                            len(text.splitlines()))
    return found


def scripts(root: Path = ROOT) -> dict[str, Module]:
    """The benchmark scripts (bench/*.py): measured for size only, they are no package."""
    found: dict[str, Module] = {}
    for path in sorted((root / "bench").glob("*.py")):
        text = path.read_text(encoding="utf-8")
        found[f"bench.{path.stem}"] = Module(f"bench.{path.stem}", path, ast.parse(text),
                                             len(text.splitlines()))
    return found


def _imported_names(mod: Module) -> Iterator[str]:
    """Every module name an import statement (or importlib.import_module with a literal name)
    names, at any depth (lazy imports count: they are arrows too), resolved against the
    package for relative imports."""
    package = mod.name if mod.path.name == "__init__.py" else mod.name.rpartition(".")[0]
    for node in ast.walk(mod.tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, *([base] if base else [])])
            yield base
            for alias in node.names:
                yield f"{base}.{alias.name}"
        elif isinstance(node, ast.Call) and getattr(node.func, "attr", getattr(
                node.func, "id", None)) == "import_module" and node.args and isinstance(
                node.args[0], ast.Constant) and isinstance(node.args[0].value, str):
            yield node.args[0].value  # importlib.import_module("pkg.mod"): an arrow too


def import_graph(mods: dict[str, Module]) -> dict[str, set[str]]:
    """File → files it imports (only files of the product; `from pkg import mod` names mod)."""
    graph: dict[str, set[str]] = {name: set() for name in mods}
    for name, mod in mods.items():
        for target in _imported_names(mod):
            if target in mods and target != name:
                graph[name].add(target)
    return graph


def cli_importers(mods: dict[str, Module]) -> list[str]:
    """Modules of the stages that import the CLI package (it must stay on top)."""
    return sorted(name for name, mod in mods.items() if name.split(".")[0] in STAGES and any(
        t == CLI_PACKAGE or t.startswith(CLI_PACKAGE + ".") for t in _imported_names(mod)))


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected groups of more than one file (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph[node]):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                group.append(top)
                if top == node:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return sorted(groups)


def package_shares(mods: dict[str, Module]) -> dict[str, float]:
    """Share of all product lines per top-level package."""
    total = sum(m.lines for m in mods.values())
    shares: dict[str, float] = {}
    for mod in mods.values():
        top = mod.name.split(".")[0]
        shares[top] = shares.get(top, 0) + mod.lines / total
    return dict(sorted(shares.items(), key=lambda kv: -kv[1]))


def _literal_strings(node: ast.AST) -> set[str]:
    if isinstance(node, ast.Dict):
        return {k.value for k in node.keys if isinstance(k, ast.Constant)
                and isinstance(k.value, str)}
    if isinstance(node, ast.Tuple | ast.List | ast.Set):
        return {e.value for e in node.elts if isinstance(e, ast.Constant)
                and isinstance(e.value, str)}
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return set(node.value.lower().split()) if len(node.value) < 40 else set()
    return set()


def source_lists(mods: dict[str, Module]) -> list[str]:
    """Modules that spell out the sources themselves: a literal collection (or a short
    space-separated string, the form of an option default or a help text) naming every
    source. The replica is left out: it imitates the two sites, it does not watch them."""
    return sorted(name for name, mod in mods.items() if not name.startswith(REPLICA) and any(
        set(SOURCE_NAMES) <= _literal_strings(node) for node in ast.walk(mod.tree)))


def crawl_starters(mods: dict[str, Module]) -> list[str]:
    """Modules outside the crawler that start a crawl child themselves (crawler.child): each
    is a place wiring "crawl → health → alerts"."""
    return sorted(name for name, mod in mods.items() if not name.startswith("crawler.") and
                  "crawler.child.crawl_in_child" in set(_imported_names(mod)))


def import_time_config(mods: dict[str, Module]) -> list[str]:
    """Modules that call load_config() when imported (at module level, outside functions)."""
    def calls(node: ast.AST) -> bool:
        return any(isinstance(n, ast.Call) and getattr(n.func, "id", getattr(
            n.func, "attr", None)) == "load_config" for n in ast.walk(node))

    return sorted(name for name, mod in mods.items() if any(
        calls(stmt) for stmt in mod.tree.body
        if not isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)))


def big_modules(mods: dict[str, Module], limit: int = MAX_LINES) -> dict[str, int]:
    return {name: mod.lines for name, mod in sorted(mods.items()) if mod.lines > limit}


def main() -> None:
    mods = modules(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT)
    graph = import_graph(mods)
    shares = package_shares(mods)
    biggest = next(iter(shares))
    print(f"modules of the stages importing {CLI_PACKAGE}: {len(cli_importers(mods))}")
    for name in cli_importers(mods):
        print(f"    {name}")
    found = cycles(graph)
    print(f"import cycles between files: {len(found)}")
    for group in found:
        print(f"    {' <-> '.join(group)}")
    print(f"share of all code in the biggest package: {shares[biggest]:.0%} ({biggest}/)")
    for top, share in shares.items():
        print(f"    {top:<10} {share:6.1%}")
    print(f"modules listing the sources: {len(source_lists(mods))}")
    for name in source_lists(mods):
        print(f"    {name}")
    print(f"modules outside the crawler starting a crawl child: {len(crawl_starters(mods))}")
    for name in crawl_starters(mods):
        print(f"    {name}")
    print(f"modules calling load_config() when imported: {len(import_time_config(mods))}")
    for name in import_time_config(mods):
        print(f"    {name}")
    big = big_modules(mods | scripts(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT))
    print(f"modules over {MAX_LINES} lines: {len(big)}")
    for name, lines in big.items():
        print(f"    {name} {lines}")


if __name__ == "__main__":
    main()
