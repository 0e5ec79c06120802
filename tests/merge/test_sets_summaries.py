"""Sets and summaries written in a coder's copy come back with the merge; a summary changed on
both sides is a conflict (the target keeps its own)."""

from __future__ import annotations

import json

from qualcode.cli.main import main
from qualcode.store.project import Project


def test_sets_and_summaries_travel_back_through_merge(project_path, tmp_path, capsys):
    study = str(project_path)
    copy = str(tmp_path / "anna.qualcode")
    assert main(["set", study, "add", "Wave 1", "--documents", "Interview test 1"]) == 0
    assert main(["handout", study, copy, "--coder", "anna"]) == 0
    assert main(["set", copy, "add", "Wave 1", "--cases", "Karin"]) == 0
    assert main(["set", copy, "add", "Kern", "--codes", "EVC", "--description", "core"]) == 0
    assert main(["summary", copy, "Karin on workload", "--case", "Karin", "--code", "Oorzaken werkdruk",
                 "--author", "anna"]) == 0
    assert main(["summary", copy, "Karin's copy text", "--case", "Karin", "--code", "EVC", "--author", "anna"]) == 0
    assert main(["summary", study, "The study's own text", "--case", "Karin", "--code", "EVC", "--author", "lead"]) == 0
    capsys.readouterr()
    assert main(["merge", study, copy, "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["sets_and_summaries"]["sets_added"] == 1
    assert report["sets_and_summaries"]["summaries_added"] == 1
    assert any(c["kind"] == "summary" for c in report["conflicts"])
    with Project.open(project_path) as p:
        wave = p.sets.get("Wave 1")
        assert wave.documents and [p.cases.get(c).name for c in wave.cases] == ["Karin"]
        kern = p.sets.get("Kern")
        assert kern.description == "core" and kern.codes == (p.codebook.get("EVC").uuid,)
        cells = {(p.cases.get(s.case).name, p.codebook.tree().path(s.code)): (s.text, s.author) for s in p.summaries.all()}
        assert cells[("Karin", "Oorzaken werkdruk")] == ("Karin on workload", "anna")
        assert cells[("Karin", "EVC")] == ("The study's own text", "lead")
    capsys.readouterr()
    assert main(["merge", study, copy]) == 0  # again: nothing new, the conflict is reported again
    out = capsys.readouterr().out
    assert "summary of case" in out
