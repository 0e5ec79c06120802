"""The codebook tree: codes with their colour and counts, filterable, editable in place."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Input, Tree

from qualcode.tui.bindings import bindings
from qualcode.tui.fuzzy import filter_codes


class CodebookTree(Tree):
    BINDINGS = bindings("codebook")
    DEFAULT_CSS = """
    CodebookTree, CodebookTree:focus { border: none; padding: 0; overflow-x: hidden; }
    """

    def __init__(self, **kwargs) -> None:
        super().__init__("Codebook", **kwargs)
        self.show_root = False
        self.guide_depth = 2
        self._code_nodes: dict = {}
        self._view = (None, {}, {})  # tree, counts, codes

    def highlighted_code(self) -> str | None:
        node = self.cursor_node
        return node.data if node is not None else None

    def rebuild(self, tree, counts: dict, codes: dict, query: str = "", select: str | None = None) -> None:
        """Fill the tree; keep expanded nodes and the highlighted code where possible."""
        expanded = {n.data for n in self._all_nodes() if n.is_expanded and n.data}
        current = select or self.highlighted_code()
        keep = None
        if query.strip():
            ranked = filter_codes(tree, query)
            hits = set(ranked)
            keep = set(hits)
            if current not in hits:  # the cursor goes to the best match, not to a code kept as a parent
                current = ranked[0] if ranked else None
            for uuid in hits:
                keep.update(a.uuid for a in tree.ancestors(uuid))
        totals = self._totals(tree, counts)
        self.clear()
        nodes = self._code_nodes = {}
        self._view = (tree, counts, codes)

        def add(parent_node, code) -> None:
            if keep is not None and code.uuid not in keep:
                return
            kids = [k for k in tree.kids(code.uuid) if keep is None or k.uuid in keep]
            label = self._label(code, totals)
            if kids:
                node = parent_node.add(label, data=code.uuid, expand=keep is not None or code.uuid in expanded)
                for k in kids:
                    add(node, k)
            else:
                node = parent_node.add_leaf(label, data=code.uuid)
            nodes[code.uuid] = node

        for root in tree.roots():
            add(self.root, root)
        if current in nodes:
            node = nodes[current]
            for anc in tree.ancestors(current) if current in tree else []:
                if anc.uuid in nodes:
                    nodes[anc.uuid].expand()
            self.call_after_refresh(self.move_cursor, node)

    @staticmethod
    def _totals(tree, counts: dict) -> dict[str, int]:
        totals: dict[str, int] = {}
        for code in reversed(list(tree)):
            totals[code.uuid] = counts.get(code.uuid, 0) + sum(totals.get(k.uuid, 0) for k in tree.kids(code.uuid))
        return totals

    def _label(self, code, totals: dict) -> Text:
        tree, counts, codes = self._view
        label = Text(no_wrap=True, overflow="ellipsis")
        label.append("■ ", style=codes.get(code.uuid, ("", "#7f7f7f"))[1])
        label.append(code.name)
        own, total = counts.get(code.uuid, 0), totals.get(code.uuid, 0)
        label.append(f" {own}" if own else "", style="dim")
        if total != own:
            label.append(f" Σ{total}", style="dim")
        return label

    def update_counts(self, counts: dict) -> None:
        """New counts without rebuilding the tree (after coding: cheap, keeps the scroll position)."""
        tree, _, codes = self._view
        if tree is None:
            return
        self._view = (tree, counts, codes)
        totals = self._totals(tree, counts)
        for uuid, node in self._code_nodes.items():
            if uuid in tree.by_uuid:
                node.set_label(self._label(tree.by_uuid[uuid], totals))

    def _all_nodes(self):
        stack = list(self.root.children)
        while stack:
            node = stack.pop()
            yield node
            stack.extend(node.children)

    # -- actions: forwarded to the app (which owns the project) ---------------------------------------
    def _code_action(self, name: str, *args) -> None:
        uuid = self.highlighted_code()
        if uuid is None:
            self.app.notify("no code highlighted", severity="warning")
            return
        getattr(self.app, name)(uuid, *args)

    def action_apply_highlighted(self) -> None:
        self._code_action("apply_code")

    def action_new_code(self, top_level: bool) -> None:
        self.app.new_code(None if top_level else self.highlighted_code())

    def action_rename_code(self) -> None:
        self._code_action("rename_code")

    def action_edit_code(self) -> None:
        self._code_action("edit_code")

    def action_move_code(self) -> None:
        self._code_action("move_code")

    def action_merge_code(self) -> None:
        self._code_action("merge_code")

    def action_delete_code(self) -> None:
        self._code_action("delete_code")

    def action_code_passages(self) -> None:
        self._code_action("show_passages")

    def action_code_memo(self) -> None:
        self._code_action("memo_code")

    def action_filter_codes(self) -> None:
        self.app.query_one("#code-filter", Input).focus()


class CodeFilter(Input):
    """The filter line above the tree: type to narrow the tree; ↓ or enter goes into it."""

    BINDINGS = [Binding("down", "into_tree", "To the tree", show=False),
                Binding("escape", "leave", "Back", show=False)]

    def action_into_tree(self) -> None:
        self.app.query_one(CodebookTree).focus()

    def action_leave(self) -> None:
        if self.value:
            self.value = ""
        else:
            self.app.action_focus_transcript()


class CodebookPanel(Vertical):
    DEFAULT_CSS = """
    CodebookPanel { height: 1fr; }
    CodebookPanel > Input, CodebookPanel > Input:focus { border: none; height: 1; padding: 0 1; margin: 0; }
    """

    def compose(self) -> ComposeResult:
        yield CodeFilter(placeholder="filter codes…  (/)", id="code-filter")
        yield CodebookTree(id="codebook")
