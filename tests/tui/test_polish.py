"""The workspace as a daily tool (issue 16): the recent-codes strip, the coder-name guard, the
margin labels, the footer at 80 columns. Driven with Pilot; the project file is the oracle."""

from __future__ import annotations

from tests.tui.fixtures import codings, screen_text, settings, stored, study  # noqa: F401

from qualcode.tui.app import make_app
from qualcode.tui.margin_labels import plan_labels, shorten, wrap_name
from qualcode.tui.recent_strip import RecentStrip
from qualcode.tui.screens.prompts import Confirm, TextPrompt


def app_for(path, **extra):
    return make_app(path, settings(document="Interview Sanne", **extra))


async def test_the_recent_strip_names_the_number_keys_and_1_applies_what_it_says(study):
    path, ids = study
    app = app_for(path)
    async with app.run_test(size=(160, 45)) as pilot:
        strip = app.query_one(RecentStrip)
        assert "none yet" in strip.render().plain
        await pilot.press("j", "c", *"lerarentekort", "enter")
        await pilot.press("j", "j", "c", *"extra hands", "enter")
        await pilot.pause()
        shown = strip.render().plain
        assert shown.index("1 ■ Extra handen") < shown.index("2 ■ Lerarentekort")
        await pilot.press("j", "j", "1")  # Sanne's last turn: what the strip shows on 1
        await pilot.pause()
    last = max(codings(path), key=lambda c: c.start)
    assert last.code == ids["Extra handen"] and last.text.startswith("Ja, maar de pabo")


async def test_a_new_coder_name_needs_a_confirmation(study, tmp_path):
    path, ids = study
    app = app_for(path)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("ctrl+o", *"xyz", "enter")  # stray keys after ctrl+o
        await pilot.pause()
        assert isinstance(app.screen, Confirm)
        await pilot.press("n")
        await pilot.pause()
        assert app.ws.coder == "tester"
        await pilot.press("j", "c", *"admin", "enter")
        await pilot.press("ctrl+o", "ctrl+a", "ctrl+k", *"anna", "enter", "y")
        await pilot.pause()
        assert app.ws.coder == "anna" and "coder: anna" in app.sub_title
        await pilot.press("j", "j", "c", *"extra", "enter")
        await pilot.pause()
    assert sorted(c.coder for c in codings(path)) == ["anna", "tester"]


async def test_an_empty_coder_name_is_refused_with_the_reason(study):
    path, _ = study
    app = app_for(path)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("ctrl+o", "ctrl+a", "ctrl+k", "enter")
        await pilot.pause()
        assert isinstance(app.screen, TextPrompt)
        assert "An empty name is refused" in screen_text(app)
        await pilot.press("escape")
        await pilot.pause()
        assert app.ws.coder == "tester" and app.screen is app.screen_stack[0]


def test_names_wrap_at_word_boundaries_and_shorten_deliberately():
    assert wrap_name("Lerarentekort en vervangingsbehoefte", 14, 3) == ["Lerarentekort", "en", "vervangingsbe…"]
    assert wrap_name("Gelijkwaardige samenwerking", 14, 2) == ["Gelijkwaardige", "samenwerking"]
    assert wrap_name("Lerarentekort en vervangingsbehoefte", 16, 1) == ["Lerarentekort…"]
    assert shorten("Administratieve last en bijkomende taken", 20) == "Administratieve…"
    assert shorten("Opleiding", 9) == "Opleiding"


class _C:
    def __init__(self, uuid, code, start, end):
        self.uuid, self.code, self.start, self.end, self.coder = uuid, code, start, end, "x"


def test_one_label_block_per_code_in_a_stack():
    """Two codes over the same lines: each name once, in its own rows, never interleaved."""
    from qualcode.tui.coverage import Coverage
    from qualcode.tui.doc_model import DocModel

    text = ("woord " * 120).strip()
    doc = DocModel("d", "d", text, [], {})
    layout = doc.layout(30)
    codes = {"a": ("Gelijkwaardige samenwerking", "#ff0000"), "b": ("Lerarentekort en vervangingsbehoefte", "#00ff00")}
    cov = Coverage([_C("1", "a", 0, 400), _C("2", "b", 0, 400), _C("3", "a", 100, 200)])
    plan = plan_labels(layout, cov, codes, 14)
    rows = sorted(plan)
    labels = [(plan[r].code, plan[r].text) for r in rows]
    assert labels == [("a", "Gelijkwaardige"), ("a", "samenwerking"),
                      ("b", "Lerarentekort"), ("b", "en"), ("b", "vervangingsbe…")]
    assert rows == list(range(rows[0], rows[0] + 5))  # one after the other, no gaps
    assert [plan[r].first for r in rows] == [True, False, True, False, False]


async def test_80_columns_show_the_code_name_in_the_margin_and_the_whole_footer(study):
    path, _ = study
    app = app_for(path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("j", "c", *"admin", "enter")
        await pilot.pause()
        text = screen_text(app)
    assert "Administ" in text.split("AT THE CURSOR")[0].split("Sanne  #2")[1]  # in the margin
    footer = text.rstrip().splitlines()[-1]
    assert "q quit" in footer and "palette" not in footer


def test_the_codebook_filter_keeps_only_what_contains_the_text(study):
    from qualcode.tui.fuzzy import filter_codes

    path, ids = study
    with stored(path) as p:
        tree = p.codebook.tree()
        assert filter_codes(tree, "Lerarent") == [ids["Lerarentekort"]]  # not 'Leraren ontlasten' too
        assert filter_codes(tree, "extra hands") == [ids["Extra handen"]]  # a keyword
        assert filter_codes(tree, "lerarentkort")[0] == ids["Lerarentekort"]  # a typo still finds it


async def test_the_codebook_filter_moves_the_cursor_to_the_match(study):
    path, ids = study
    app = app_for(path)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("C", "slash", *"pabo")
        await pilot.pause()
        await pilot.press("enter")  # into the tree
        await pilot.pause()
        assert app.tree_widget.highlighted_code() == ids["Pabo te hoge drempel"]
        await pilot.press("enter")  # apply it to the turn under the cursor
        await pilot.pause()
    [c] = codings(path)
    assert c.code == ids["Pabo te hoge drempel"]


async def test_the_memo_list_shows_coding_code_and_document_memos_and_jumps(study):
    from qualcode.tui.screens.memos import MemosScreen

    path, ids = study
    with stored(path) as p:
        doc = ids["Focusgroep"]
        text = p.documents.get(doc).text
        start = text.index("Bij ons is het")
        c = p.codings.add(doc, ids["Lerarentekort"], "anna", start, start + 40)
        p.codings.update(c.uuid, memo="Joost: tekort als oorzaak")
        p.memos.add("code", ids["Extra handen"], "bram", "Let op: ook 'handen aan het bed'")
        p.memos.add("document", ids["Interview Sanne"], "anna", "Sanne werkt parttime")
    app = app_for(path)
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.press("L")
        await pilot.pause(0.3)
        screen = app.screen
        assert isinstance(screen, MemosScreen)
        assert {r["kind"] for r in screen.rows} == {"coding", "code", "document"}
        assert "3 memos" in str(screen.query_one("#memos-hint").render())
        await pilot.press(*"tekort")
        await pilot.pause()
        assert [r["text"] for r in screen.shown] == ["Joost: tekort als oorzaak"]
        await pilot.press("enter")  # to the coding's passage, in the other document
        await pilot.pause()
        assert app.screen is app.screen_stack[0]
        assert app.ws.doc.uuid == doc and app.view.cursor in (start, start + 40)
        await pilot.press("L")
        await pilot.pause(0.3)
        await pilot.press(*"handen aan", "enter")
        await pilot.pause()
        assert app.tree_widget.highlighted_code() == ids["Extra handen"]


def test_a_search_hit_names_speaker_and_turn_and_fills_the_line_at_word_boundaries():
    from qualcode.tui.screens.search import hit_label

    hit = {"document_name": "Interview Sanne", "speaker": "Sanne", "turn": 3, "match": "extra handen",
           "before": "woord " * 40 + "Joyce is echt ", "after": " in de klas. Zij neemt groepjes over, " * 5}
    line = hit_label(hit, True, 150).plain
    assert line.startswith("Interview Sanne · Sanne #4  …")
    assert 120 <= len(line) <= 150 and "Joyce is echt extra handen in de klas." in line
    assert line.endswith("…") and line[-2] != " " and " over," in line  # cut after a whole word
    words = line.split("  …", 1)[1].rstrip("…").split()
    assert all(w in ("woord", "Joyce", "is", "echt", "extra", "handen", "in", "de", "klas.", "Zij", "neemt",
                     "groepjes", "over,") for w in words)


def test_the_passages_list_shows_the_whole_coded_passage():
    from qualcode.tui.screens.passages import passage_label

    coded = " ".join(f"woord{i}" for i in range(120))  # ~900 characters
    row = {"document_name": "D", "speaker": "Sanne", "coder": "anna", "text": coded,
           "before": "aaa bbbbbbb " * 20, "after": " ccc ddddddd" * 20, "memo": ""}
    plain = passage_label(row, "#ff0000", "anna").plain
    assert coded in plain
    before = plain.split("\n")[1].split("woord0")[0]
    assert before.startswith("…") and before[1:].split()[0] in ("aaa", "bbbbbbb")


class _Many:
    """A suggester with four suggestions everywhere (long names), to see how many the panel shows."""

    def __init__(self, codes):
        self.codes = codes

    def suggest(self, text, start, end, doc_uuid, exclude_codes=(), top=3):
        from qualcode.nlp import Suggestion

        return [Suggestion(doc_uuid, start, end, c, "", 0.9 - i / 10, f"keyword: woord {i}")
                for i, c in enumerate(self.codes) if c not in exclude_codes][:max(top, 4)]

    def suggest_document(self, project, doc_uuid, top=1, min_score=0.0):
        return []

    def refresh(self, project):
        pass

    def retrain_if_stale(self, project, force=False):
        return {"codings": 0}


async def test_three_suggestions_with_whole_names_fit_at_160x45(study):
    from tests.tui.test_suggest import ready

    path, ids = study
    with stored(path) as p:
        p.codebook.update(ids["Extra handen"], name="Extra handen in de klas bij groepswerk")
        p.codebook.update(ids["Leraren ontlasten"], name="Leraren ontlasten van administratieve taken")
    many = _Many([ids["Extra handen"], ids["Leraren ontlasten"], ids["Lerarentekort"], ids["Administratieve last"]])
    app = make_app(path, settings(document="Interview Sanne", suggestions=True), nlp_factory=lambda p: many)
    async with app.run_test(size=(160, 45)) as pilot:
        await ready(pilot, app)
        await pilot.press("j")
        await ready(pilot, app)
        panel = screen_text(app).split("SUGGESTIONS")[1]
    for name in ("Extra handen in de klas bij groepswerk", "Leraren ontlasten van administratieve taken",
                 "Lerarentekort"):
        words = name.split()
        assert all(w in panel for w in words), name  # whole names (wrapped), not cut
    assert panel.count("keyword: woord") >= 3


async def test_wording_counts_and_the_n_N_note(study):
    path, ids = study
    app = app_for(path)
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.press("j", "w", "W")  # one word
        await pilot.pause()
        assert "1 word selected" in app._last_status
        await pilot.press("escape", "c", *"admin", "enter")
        await pilot.pause()
        assert "· 1 coding" in app._last_status and "1 codings" not in app._last_status
        await pilot.press("slash", *"de", "enter")
        await pilot.pause(2)
        await pilot.press("n")
        await pilot.press("N")  # back to the first match: its note must stay 4 s
        await pilot.pause(2.5)  # the first search's note timer (4 s) has run out by now
        assert "match 1 of" in app._last_status


async def test_adding_and_merging_codes_say_so(study):
    path, ids = study
    app = app_for(path)
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.press("C")
        await pilot.press("N", *"Nieuw thema", "enter")
        await pilot.pause()
        assert "added code 'Nieuw thema'" in app._flash
    with stored(path) as p:
        assert p.codebook.get("Nieuw thema")


async def test_the_review_text_column_at_80x24(study):
    from tests.tui.test_views import two_coders

    from qualcode.tui.review import ReviewScreen

    path, ids = study
    two_coders(path, ids)
    app = app_for(path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("R")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ReviewScreen)
        longest = max(e - s for s, e in screen.lines)
        assert longest >= 34
        footer = screen_text(app).rstrip().splitlines()[-1]
        assert "0 Not coded" in footer and "Undo" in footer
