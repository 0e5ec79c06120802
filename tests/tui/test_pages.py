"""A PDF's pages in the workspace: the details panel names the page of the passage at the cursor."""

from __future__ import annotations

from pathlib import Path

from tests.tui.fixtures import settings

from qualcode.cli.main import main
from qualcode.tui.app import make_app

PDF = Path(__file__).resolve().parents[1] / "fixtures" / "pdf" / "report_two_columns.pdf"


async def test_the_details_panel_names_the_page_at_the_cursor(tmp_path):
    path = tmp_path / "p.qualcode"
    assert main(["init", str(path), "--lang", "en"]) == 0
    assert main(["import", str(path), str(PDF)]) == 0
    app = make_app(path, settings())
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.pause()
        details = app._widgets["details"]
        assert "p. 1" in str(details.render())
        pages = app.ws.pages.by_doc[app.ws.doc.uuid]
        assert len(pages) == 2
        second = pages[1][0]  # where page 2 starts in the text
        app.view.goto(second + 5)
        app.update_details()
        await pilot.pause()
        assert "p. 2" in str(details.render())
