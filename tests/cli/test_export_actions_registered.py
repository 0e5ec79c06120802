"""Every export action is there however qualcode starts: 'qualcode export refi|sample' (their
actions live in other modules than export_cmds) and the TUI's export screen under 'qualcode tui'."""

from __future__ import annotations

from qualcode.cli.main import build_parser
from qualcode.export.registry import EXPORTERS


def test_export_command_loads_every_export_action():
    EXPORTERS.clear()
    parser = build_parser("export")
    for action in ("matrix", "refi", "sample"):
        args = parser.parse_args(["export", action, "p.qualcode", "-o", "x" + {"refi": ".qdpx"}.get(action, ".md")])
        assert args.export_action == action


def test_tui_start_registers_the_export_actions():
    EXPORTERS.clear()
    build_parser("tui")
    assert {"matrix", "quotes", "refi", "sample"} <= set(EXPORTERS)
