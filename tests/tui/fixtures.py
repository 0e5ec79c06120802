"""Shared helpers for the TUI tests: a small study on disk, and opening it to check what was saved."""

from __future__ import annotations

import io

import pytest

from qualcode.store.project import Project

INTERVIEW = """Interview Sanne
maart 2024

Interviewer: Hoe ervaar jij de werkdruk op school?

Sanne: Eh, ik werk bijna elke avond. De administratie stapelt zich op. Toetsen invoeren, verslagen maken, mails van ouders. Het is nooit af.

Interviewer: En wat doet de onderwijsassistent voor jou?

Sanne: Joyce is echt extra handen in de klas. Zij neemt groepjes over, zodat ik instructie kan geven. Zonder haar red ik het niet.

Interviewer: Zou zij willen doorgroeien?

Sanne: Ja, maar de pabo is vier jaar. Dat is voor haar een te hoge drempel, met een gezin en een hypotheek.
"""

FOCUS = """Focusgroep
Moderator: Welkom allemaal. Waar komt de werkdruk vandaan?

Els: Vooral de administratie, en de zorg in de groep.

Joost: Bij ons is het het lerarentekort. Als er iemand ziek is, is er niemand meer.

Moderator: Dank jullie wel.
"""

CODES = {
    "Oorzaken werkdruk": ["Administratieve last", "Lerarentekort"],
    "Toegevoegde waarde": ["Extra handen", "Leraren ontlasten"],
    "Loopbaanbelemmeringen": ["Pabo te hoge drempel"],
}
COLOURS = {"Oorzaken werkdruk": "#d62728", "Toegevoegde waarde": "#2ca02c", "Loopbaanbelemmeringen": "#1f77b4"}
KEYWORDS = {"Administratieve last": ["administratie", "paperwork"], "Extra handen": ["extra hands"]}


def build_study(path) -> dict:
    from qualcode.ingest.turns import detect_turns

    project = Project.create(path, language="nl", name="test study")
    ids = {}
    with project.transaction():
        for theme, kids in CODES.items():
            t = project.codebook.add(theme, colour=COLOURS[theme], label=f"{theme} (en)")
            ids[theme] = t.uuid
            for kid in kids:
                ids[kid] = project.codebook.add(kid, parent=t.uuid, keywords=KEYWORDS.get(kid, ())).uuid
        for name, text, kind in (("Interview Sanne", INTERVIEW, "interview"), ("Focusgroep", FOCUS, "focus_group")):
            doc, _ = project.documents.add(name, text, detect_turns(text), kind=kind)
            ids[name] = doc.uuid
    project.close()
    return ids


@pytest.fixture
def study(tmp_path, monkeypatch):
    monkeypatch.setenv("QUALCODE_CONFIG", str(tmp_path / "config.toml"))
    monkeypatch.delenv("QUALCODE_CODER", raising=False)
    path = tmp_path / "study.qualcode"
    ids = build_study(path)
    return path, ids


def stored(path) -> Project:
    """The project file as another program sees it (the database is the oracle)."""
    return Project.open(path)


def codings(path, **filters) -> list:
    with stored(path) as p:
        return p.codings.list(**filters)


def screen_text(app) -> str:
    """The screen as plain text (what a user sees, without colours)."""
    from rich.console import Console

    width, height = app.size
    console = Console(width=width, height=height, file=io.StringIO(), force_terminal=True,
                      color_system="truecolor", record=True, legacy_windows=False, safe_box=False)
    console.print(app.screen._compositor.render_update(full=True, screen_stack=app._background_screens))
    return console.export_text()


def settings(**extra) -> dict:
    base = {"coder": "tester", "remember_coder": False, "keys": {}, "suggestions": False}
    base.update(extra)
    return base
