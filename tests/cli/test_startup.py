"""Start-up (issue 13): a command imports only its own module, and the everyday commands import
nothing heavy; the command table in cli/main.py matches what the modules register."""

from __future__ import annotations

import argparse
import importlib
import os
import subprocess
import sys
from pathlib import Path

from qualcode.cli import main as cli_main

ROOT = Path(__file__).resolve().parents[2]
HEAVY = ("pandas", "numpy", "spacy", "textual", "openpyxl", "matplotlib", "docx", "lxml", "sqlite_utils",
         "rapidfuzz", "yaml", "rich")


def test_the_command_table_matches_the_modules():
    registered = {}
    for name in cli_main.COMMAND_MODULES:
        parser = argparse.ArgumentParser()
        sub = parser.add_subparsers()
        importlib.import_module(name).register(sub)
        for action in sub._choices_actions:
            registered[action.dest] = (name.rsplit(".", 1)[1], action.help)
    assert registered == cli_main.COMMANDS


def _imported(args: list[str]) -> set[str]:
    code = (
        "import sys, runpy; sys.argv = ['qualcode', *sys.argv[1:]]\n"
        "from qualcode.cli.main import main\n"
        "try:\n    main(sys.argv[1:])\nexcept SystemExit:\n    pass\n"
        f"print('\\nIMPORTED', ','.join(sorted({{m.split('.')[0] for m in sys.modules}} & set({HEAVY!r}))))"
    )
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"), COLUMNS="120")
    out = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, env=env, check=True)
    line = [x for x in out.stdout.splitlines() if x.startswith("IMPORTED")][-1]
    return {m for m in line.split(" ", 1)[1].split(",") if m}


def test_everyday_commands_import_nothing_heavy(tmp_path, codebook_file, transcript_file):
    project = tmp_path / "p.qualcode"
    assert cli_main.main(["init", str(project), "--codebook", str(codebook_file)]) == 0
    assert cli_main.main(["import", str(project), str(transcript_file)]) == 0
    assert _imported(["--help"]) == set()
    assert _imported(["status", str(project)]) == set()
    assert _imported(["documents", str(project)]) == set()
    assert _imported(["code", str(project), "Interview test 1", "--turn", "2", "--code", "Lerarentekort",
                      "--coder", "anna"]) == set()
