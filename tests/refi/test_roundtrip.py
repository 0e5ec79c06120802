"""Round trip of every real REFI-QDA file in ../shared/interop/refi/samples: import → export → import
gives the same users, codes, sources (documents and placeholders), selections, codings, cases and
variables, and the re-export is valid against Project.xsd."""

from __future__ import annotations

import pytest
from tests.refi.support import SAMPLES, needs_shared, qde_of, validate

from qualcode.refi.project_writer import export_refi_project
from qualcode.refi.project_import import import_refi_project
from qualcode.store.project import Project

pytestmark = needs_shared
SAMPLE_FILES = sorted(p.name for p in SAMPLES.glob("*.qdpx")) if SAMPLES.is_dir() else []


def snapshot(path) -> dict:
    """Everything a round trip must keep, keyed so that it compares across two project files."""
    from lxml import etree

    with Project.open(path) as p:
        tree = p.codebook.tree()
        docs = {d.uuid: p.documents.get(d.uuid) for d in p.documents.list()}
        cases = p.cases.list()
        case_docs = p.cases.documents_of()
        kept = []
        for k in p.placeholders.all():
            el = etree.fromstring(k["element"].encode())
            tags = [etree.QName(e).localname for e in el.iter() if isinstance(e.tag, str)]
            kept.append((k["guid"], k["name"], k["kind"], sum(t.endswith("Selection") for t in tags),
                         tags.count("Coding"), tuple(sorted(k["files"])),
                         tuple(sorted((f, len(p.placeholders.file(k["guid"], f))) for f in k["files"]))))
        return {
            "users": p.users.guids(),
            "codes": sorted((c.uuid, tree.path(c.uuid), c.colour, c.definition, c.label, c.inclusion, c.exclusion,
                             tuple(c.keywords), tuple(c.examples)) for c in tree),
            "documents": sorted((u, d.name, d.kind, d.text) for u, d in docs.items()),
            "placeholders": sorted(kept),
            "selections": sorted({(c.document, c.start, c.end, docs[c.document].text[c.start:c.end])
                                  for c in p.codings.list()}),
            "codings": sorted((c.uuid, c.document, c.code, c.coder, c.start, c.end, c.text) for c in p.codings.list()),
            "cases": sorted((c.uuid, c.name, c.role, tuple(sorted(case_docs.get(c.uuid, [])))) for c in cases),
            "variables": sorted((c.name, k, str(v)) for c in cases for k, v in c.attributes.items())
            + sorted((docs[o].name, k, str(v)) for o, a in p.attributes.of("document").items() for k, v in a.items()
                     if not k.startswith("set/")),
        }


@pytest.mark.parametrize("sample", SAMPLE_FILES)
def test_import_export_import_keeps_everything(tmp_path, sample):
    first = tmp_path / "first.qualcode"
    import_refi_project(SAMPLES / sample, first, "en")
    out = tmp_path / "again.qdpx"
    with Project.open(first) as p:
        export_refi_project(p, out)
    validate(qde_of(out), "Project.xsd")
    second = tmp_path / "second.qualcode"
    report = import_refi_project(out, second, "en")
    a, b = snapshot(first), snapshot(second)
    for key in a:
        assert b[key] == a[key], f"{sample}: {key} differ after a round trip"
    assert report.counts["users"]["project"] == len(a["users"])


def test_samples_hold_what_the_round_trip_compares():
    """The comparison above is not vacuous: together the samples have users without codings, coded
    selections, placeholders with codings and files, and codes with colours and descriptions."""
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as d:
        snaps = {}
        for sample in SAMPLE_FILES:
            import_refi_project(SAMPLES / sample, Path(d) / f"{sample}.qualcode", "en")
            snaps[sample] = snapshot(Path(d) / f"{sample}.qualcode")
    atlas, nvivo, demo = (snaps["skyloom_TestProject.qdpx"], snaps["cproctor_nvivo_project.qdpx"],
                          snaps["cproctor_demo.qdpx"])
    # users who coded nothing are kept (ATLAS.ti 3 users, NVivo 2, qc 1)
    assert len(atlas["users"]) == 3 and len(nvivo["users"]) == 2 and demo["users"] == {"cp": "39633935-3331-3962-6632-373436373264"}
    assert len(demo["codings"]) == 205 and len(demo["selections"]) == 158
    assert any(k[4] for k in atlas["placeholders"]) and any(k[5] for k in nvivo["placeholders"])
    assert any(c[2] for c in atlas["codes"]) and any(c[3] for c in atlas["codes"])


# --- sets and notes ---------------------------------------------------------------------------------
# Sets (<Sets>, also from .qdc codebooks) and notes (<Notes>, memo dates) are compared here by the
# helper who owns them (issue 19): add their keys to snapshot() or a test below this line.


def test_a_real_project_unpacked_imports_from_its_bare_qde(tmp_path):
    """The qc demo, unzipped: project.qde with sources/ beside it gives what the .qdpx gives."""
    import zipfile

    folder = tmp_path / "unpacked"
    with zipfile.ZipFile(SAMPLES / "cproctor_demo.qdpx") as zf:
        zf.extractall(folder)
    import_refi_project(SAMPLES / "cproctor_demo.qdpx", tmp_path / "zip.qualcode", "en")
    import_refi_project(folder / "project.qde", tmp_path / "bare.qualcode", "en")
    a, b = snapshot(tmp_path / "zip.qualcode"), snapshot(tmp_path / "bare.qualcode")
    assert a["codings"] and a["documents"] == b["documents"] and a["codings"] == b["codings"]
