"""The code picker: fuzzy search over code names, English labels, keywords and definitions."""

from __future__ import annotations

from rich.text import Text

from qualcode.tui.fuzzy import CodeMatcher
from qualcode.tui.screens.pick import FuzzyPicker

TOP_LEVEL = "__top__"


class CodePicker(FuzzyPicker):
    """Returns the chosen code's uuid (or TOP_LEVEL when offered), or None."""

    def __init__(self, tree, codes: dict, title: str = "Code the passage", recent: list[str] | None = None,
                 exclude: set[str] | None = None, top_level: bool = False, hint: str = "") -> None:
        super().__init__(title, hint or "enter applies · ↑↓ choose · esc cancels · matches names, "
                                        "English labels, keywords and definitions")
        self.code_tree, self.codes = tree, codes
        self.recent = [c for c in (recent or []) if c in tree]
        self.exclude = exclude or set()
        self.top_level = top_level
        self.matcher = CodeMatcher(tree)

    def _label(self, uuid: str, why: str = "") -> Text:
        key = (uuid, why)
        cache = self.__dict__.setdefault("_labels", {})
        if key not in cache:
            cache[key] = self._make_label(uuid, why)
        return cache[key]

    def _make_label(self, uuid: str, why: str) -> Text:
        code = self.code_tree.by_uuid[uuid]
        label = Text(no_wrap=True, overflow="ellipsis")
        label.append("■ ", style=self.codes.get(uuid, ("", "#7f7f7f"))[1])
        parent = self.code_tree.path(uuid).rsplit("/", 1)[0] if code.parent else ""
        label.append(code.name, style="bold")
        if code.label:
            label.append(f"  {code.label}", style="italic")
        if parent:
            label.append(f"  ‹ {parent}", style="dim")
        if why:
            label.append(f"  {why}", style="dim")
        return label

    def options(self, query: str):
        out = []
        if self.top_level and not query.strip():
            out.append((TOP_LEVEL, Text("(top level: no parent)", style="italic")))
        if not query.strip():
            seen = set()
            for n, uuid in enumerate(self.recent[:9], 1):
                if uuid not in self.exclude:
                    out.append((uuid, self._label(uuid, f"[{n}]")))
                    seen.add(uuid)
            out.extend((c.uuid, self._label(c.uuid)) for c in self.code_tree
                       if c.uuid not in seen and c.uuid not in self.exclude)
            return out
        for m in self.matcher.match(query, limit=30):
            if m.uuid in self.exclude:
                continue
            why = "" if m.field in ("name", "path") else f"({m.field})"
            out.append((m.uuid, self._label(m.uuid, why)))
        return out
