"""qualcode demo: build the demo study and open it."""

from __future__ import annotations

from pathlib import Path

from qualcode.cli.output import console


def register(sub) -> None:
    p = sub.add_parser("demo", help="build the demo study from transcripts/ and codebooks/, then open the TUI")
    p.add_argument("path", nargs="?", default="demo.qualcode", help="where to put the demo project (default demo.qualcode)")
    p.add_argument("--no-tui", action="store_true", help="only build the project; do not open the TUI")
    p.add_argument("--rebuild", action="store_true", help="build it again even if the file exists")
    p.add_argument("--root", help="folder that holds transcripts/ and codebooks/ (default: the checkout)")
    p.set_defaults(func=cmd_demo)


def cmd_demo(args) -> int:
    from qualcode.demo import build_demo, find_demo_root

    target = Path(args.path)
    if args.rebuild or not target.exists():
        root = find_demo_root(Path(args.root) if args.root else None)
        build_demo(target, root, say=lambda s: console.print(s, highlight=False, markup=False))
        console.print(f"[bold green]demo project ready:[/] {target}")
    else:
        console.print(f"opening the existing demo project {target} (use --rebuild to build it afresh)")
    if args.no_tui:
        return 0
    try:
        from qualcode.tui.app import run_tui
    except ImportError:
        console.print(f"the TUI is not available in this version; try 'qualcode status {target}'.")
        return 0
    return run_tui(target)
