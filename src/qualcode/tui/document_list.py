"""The document list: kind, respondents and coded share of each document."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import OptionList
from textual.widgets.option_list import Option

KIND_LABEL = {"interview": "interview", "focus_group": "focus group", "other": "other", "text": "text", "survey": "survey"}


def share_bar(share: float, width: int = 6) -> str:
    full = round(max(0.0, min(1.0, share)) * width)
    return "▰" * full + "▱" * (width - full)


class DocumentList(OptionList):
    DEFAULT_CSS = """
    DocumentList, DocumentList:focus { border: none; padding: 0; }
    """

    def set_documents(self, documents: list, coded_chars: dict, current: str | None) -> None:
        highlighted = self.highlighted
        self.clear_options()
        options = []
        self._docs = {d.uuid: d for d in documents}
        for d in documents:
            options.append(Option(self._prompt(d, coded_chars.get(d.uuid, 0), d.uuid == current), id=d.uuid))
        self.add_options(options)
        ids = [d.uuid for d in documents]
        if current in ids:
            self.highlighted = ids.index(current)
        elif highlighted is not None and highlighted < len(ids):
            self.highlighted = highlighted

    def _prompt(self, d, coded: int, current: bool) -> Text:
        width = max(12, (self.scrollable_content_region.width or 26) - 1)
        share = coded / d.length if getattr(d, "length", 0) else 0.0
        respondents = getattr(d, "respondents", ())
        who = ", ".join(respondents[:3]) or "—"
        if len(respondents) > 3:
            who += f" +{len(respondents) - 3}"
        lines = [
            Text.assemble(("● " if current else "  ", "bold"), (d.name, "bold" if current else "")),
            Text(f"  {KIND_LABEL.get(getattr(d, 'kind', ''), '')} · {who}", style="dim"),
        ]
        if getattr(d, "length", 0):
            lines.append(Text(f"  {share_bar(share)} {share:4.0%} coded", style="dim"))
        for line in lines:
            line.truncate(width, overflow="ellipsis")
        return Text("\n").join(lines)

    def update_document(self, uuid: str, coded: int) -> None:
        """Redraw one document's entry (after coding in it): cheap, unlike a full refill."""
        d = getattr(self, "_docs", {}).get(uuid)
        if d is not None:
            self.replace_option_prompt(uuid, self._prompt(d, coded, True))
