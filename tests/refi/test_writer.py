"""Exporting REFI-QDA: strict, schema-valid files, stable GUIDs, and a round trip that keeps everything."""

from __future__ import annotations

import zipfile

import pytest
from tests.refi.support import REFI, needs_shared, qde_of, validate

from qualcode.refi.codebook import read_qdc, write_qdc
from qualcode.refi.project_writer import export_refi_project
from qualcode.refi.project_import import import_refi_project
from qualcode.store.codings import NewCoding
from qualcode.store.project import Project

EMOJI_TEXT = "Moderator: Hoe gaat het? 😀\n\nPiet: Druk 😅 heel druk, maar leuk.\n\nModerator: Dank je.\n"


@pytest.fixture
def rich_project(tmp_path, codebook_file, transcript_file):
    """A project with two coders, memos everywhere, typed attributes, sets and an emoji transcript."""
    from qualcode.ingest.codebook_yaml import read_codebook
    from qualcode.ingest.importer import import_files
    from qualcode.ingest.turns import detect_turns

    path = tmp_path / "study.qualcode"
    with Project.create(path, "nl", name="Werkdruk OA") as p:
        with p.transaction():
            p.codebook.apply(read_codebook(codebook_file)[1])
        import_files(p, [transcript_file])
        with p.transaction():
            p.documents.add("Focusgroep 1", EMOJI_TEXT, detect_turns(EMOJI_TEXT), kind="focus_group")
        p.codebook.update("Administratieve last", inclusion="Paperwork.\nAlso registration.", exclusion="Teaching.",
                      examples=["elke week weer registratie"], domain="belasting")
        doc = p.documents.get("Interview test 1")
        fg = p.documents.get("Focusgroep 1")
        t = doc.text
        admin, short = p.codebook.get("Administratieve last").uuid, p.codebook.get("Lerarentekort").uuid
        s = t.index("de administratie")
        span = (s, s + len("de administratie"))
        e = EMOJI_TEXT.index("heel druk")
        p.codings.add_many([
            NewCoding(doc.uuid, admin, "anna", *span, memo="typisch", created_at="2024-03-01T10:00:00+00:00"),
            NewCoding(doc.uuid, admin, "bram", *span, memo="typisch"),
            NewCoding(doc.uuid, short, "bram", t.index("tekort"), t.index("tekort") + 6, memo="eigen memo"),
            NewCoding(doc.uuid, short, "anna", t.index("tekort"), t.index("tekort") + 6),
            NewCoding(fg.uuid, admin, "anna", e, e + len("heel druk")),
        ])
        with p.transaction():
            karin = p.cases.get("Karin")
            p.attributes.set("case", karin.uuid, "leeftijd", 41, "integer")
            p.attributes.set("case", karin.uuid, "functie", "onderwijsassistent", "text")
            p.attributes.set("case", karin.uuid, "sinds", "2019-08-01", "date")
            p.attributes.set("case", karin.uuid, "fte", 0.8, "float")
            p.attributes.set("case", karin.uuid, "evc", True, "boolean")
            p.attributes.set("document", doc.uuid, "school", "basisschool", "text")
            p.attributes.set("document", doc.uuid, "set/Ronde 1", True, "boolean")
            p.attributes.set("code", admin, "set/Belasting", True, "boolean")
            p.cases.ensure("Bob", "respondent")
            p.cases.set_role("Piet", "interviewer")
        p.memos.add("project", None, "anna", "Logboek\n\nEerste ronde klaar.")
        p.memos.add("document", doc.uuid, "bram", "Goed gesprek.")
        p.memos.add("code", admin, "anna", "Let op overlap met lerarentekort.")
        p.memos.add("case", karin.uuid, "anna", "Werkt sinds 2019.")
    return path


def snapshot(path) -> dict:
    with Project.open(path) as p:
        tree = p.codebook.tree()
        names = p.documents.names()
        cases = {c.uuid: c for c in p.cases.list()}
        codings = p.codings.list()
        coding_keys = {c.uuid: (names[c.document], tree.path(c.code), c.coder, c.start, c.end) for c in codings}

        def target(m):
            return {"document": lambda: names[m.target], "code": lambda: tree.path(m.target),
                    "case": lambda: cases[m.target].name, "coding": lambda: coding_keys[m.target]}.get(
                m.target_type, lambda: None)()

        return {
            "documents": sorted((names[d.uuid], p.documents.get(d.uuid).text, d.kind, d.uuid) for d in p.documents.list()),
            "codebook": [(tree.path(c.uuid), c.uuid, c.label, c.definition, c.inclusion, c.exclusion, c.examples,
                          c.keywords, c.colour, c.domain) for c in tree],
            "codings": sorted((*coding_keys[c.uuid], c.memo, c.uuid) for c in codings),
            "created": sorted((c.uuid, c.created_at) for c in codings if c.coder == "anna"),
            "cases": sorted((c.name, c.role, tuple(sorted(c.attributes.items()))) for c in cases.values()),
            "case_documents": sorted((cases[c].name, names[d]) for d, cs in p.cases.by_document().items() for c in cs),
            "document_attributes": sorted((names[o], tuple(sorted(a.items()))) for o, a in p.attributes.of("document").items()),
            "code_attributes": sorted((tree.path(o), tuple(sorted(a.items()))) for o, a in p.attributes.of("code").items()),
            "memos": sorted((m.target_type, str(target(m)), m.text, m.author if m.target_type != "case" else "")
                            for m in p.memos.list()),
        }


def test_round_trip_keeps_documents_codebook_codings_cases_attributes_memos(rich_project, tmp_path):
    out = tmp_path / "study.qdpx"
    summary = export_refi_project(Project.open(rich_project), out)
    assert summary["codings"] == 5 and summary["documents"] == 2
    report = import_refi_project(out, tmp_path / "back.qualcode", "nl")
    assert report.not_imported == [] and report.positions == "codepoints"
    assert all(n["xml"] == n["project"] for n in report.counts.values()), report.counts
    before, after = snapshot(rich_project), snapshot(tmp_path / "back.qualcode")
    for key in before:
        assert after[key] == before[key], key


@needs_shared
def test_export_is_valid_strict_and_stable(rich_project, tmp_path):
    a, b = tmp_path / "a.qdpx", tmp_path / "b.qdpx"
    with Project.open(rich_project) as p:
        export_refi_project(p, a)
        export_refi_project(p, b)
    assert a.read_bytes() == b.read_bytes()  # same project, same bytes: GUIDs are stable
    xml = qde_of(a)
    validate(xml, "Project.xsd")
    assert not xml.startswith(b"\xef\xbb\xbf") and b"\r" not in xml and b"<Sets/>" not in xml
    with zipfile.ZipFile(a) as zf:
        names = zf.namelist()
        assert names[0] == "project.qde" and all(n.startswith("sources/") for n in names[1:])
        for n in names[1:]:
            data = zf.read(n)
            assert not data.startswith(b"\xef\xbb\xbf") and b"\r" not in data
    # users are derived from coder names; every coding names its coder
    from lxml import etree

    root = etree.fromstring(xml)
    ns = {"q": "urn:QDA-XML:project:1.0"}
    users = {u.get("guid"): u.get("name") for u in root.iterfind("q:Users/q:User", ns)}
    assert set(users.values()) == {"anna", "bram"}
    codings = root.findall(".//q:PlainTextSelection/q:Coding", ns)
    assert len(codings) == 5 and all(users[c.get("creatingUser")] in ("anna", "bram") for c in codings)


def test_a_code_keeps_its_guid_across_exports_and_renames(rich_project, tmp_path):
    with Project.open(rich_project) as p:
        uuid = p.codebook.get("Administratieve last").uuid
        export_refi_project(p, tmp_path / "a.qdpx")
        p.codebook.update(uuid, name="Administratie")
        export_refi_project(p, tmp_path / "b.qdpx")
    assert f'guid="{uuid}" name="Administratieve last"'.encode() in qde_of(tmp_path / "a.qdpx")
    assert f'guid="{uuid}" name="Administratie"'.encode() in qde_of(tmp_path / "b.qdpx")


def test_project_without_sets_or_memos_writes_no_empty_elements(tmp_path, codebook_file):
    from qualcode.ingest.codebook_yaml import read_codebook

    with Project.create(tmp_path / "p.qualcode", "nl") as p:
        with p.transaction():
            p.codebook.apply(read_codebook(codebook_file)[1])
        export_refi_project(p, tmp_path / "p.qdpx")
    xml = qde_of(tmp_path / "p.qdpx")
    for tag in (b"<Sets", b"<Notes", b"<Cases", b"<Sources", b"<Users", b"<Variables"):
        assert tag not in xml
    if REFI.is_dir():
        validate(xml, "Project.xsd")


def test_codebook_round_trip_through_qdc(rich_project, tmp_path):
    with Project.open(rich_project) as p:
        specs = p.codebook.specs()
    write_qdc(tmp_path / "cb.qdc", {"name": "x"}, specs)
    data = (tmp_path / "cb.qdc").read_bytes()
    assert not data.startswith(b"\xef\xbb\xbf") and b"\r" not in data and b"<Sets" not in data
    if REFI.is_dir():
        validate(data, "Codebook.xsd")
    _, back = read_qdc(tmp_path / "cb.qdc")

    def flat(items):
        for s in items:
            yield (s.name, s.uuid, s.label, s.definition, s.inclusion, s.exclusion, s.examples, s.keywords,
                   s.colour, s.domain, len(s.children))
            yield from flat(s.children)

    assert list(flat(back)) == list(flat(specs))


def test_empty_codebook_cannot_be_written(tmp_path):
    from qualcode.errors import ProjectError

    with pytest.raises(ProjectError, match="empty"):
        write_qdc(tmp_path / "x.qdc", {}, [])
    assert not (tmp_path / "x.qdc").exists()
