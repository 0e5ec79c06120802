"""The layers of DESIGN.md hold: Textual only in tui/, SQL only in store/, heavy imports lazy."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src" / "qualcode"


def _modules():
    for path in SRC.rglob("*.py"):
        yield path.relative_to(SRC).as_posix(), ast.parse(path.read_text(encoding="utf-8"))


def _imports(tree) -> set[str]:
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_textual_only_in_tui():
    leaks = [rel for rel, tree in _modules()
             if not rel.startswith("tui/") and any(n.split(".")[0] == "textual" for n in _imports(tree))]
    assert leaks == []


def test_sql_only_in_store():
    leaks = []
    for rel, tree in _modules():
        if rel.startswith("store/") or rel.startswith("server/"):  # server/: the team server's PostgreSQL
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in (
                "execute", "executemany", "executescript"
            ):
                leaks.append(rel)
    assert leaks == []


def test_lower_layers_do_not_import_upper_ones():
    order = ["domain", "store", "ingest", "nlp|team|export|server", "tui", "cli"]
    rank = {}
    for i, layer in enumerate(order):
        for name in layer.split("|"):
            rank[name] = i
    bad = []
    for rel, tree in _modules():
        mine = rank.get(rel.split("/")[0])
        if mine is None:
            continue
        for name in _imports(tree):
            parts = name.split(".")
            if parts[0] == "qualcode" and len(parts) > 1 and parts[1] in rank and rank[parts[1]] > mine:
                bad.append(f"{rel} imports {name}")
    assert bad == []


def test_help_starts_without_heavy_imports():
    code = (
        "import sys; from qualcode.cli.main import build_parser; build_parser().format_help(); "
        "heavy = [m for m in ('spacy', 'pandas', 'textual', 'matplotlib', 'docx') if m in sys.modules]; "
        "print(','.join(heavy))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
