"""Progress reporting for long exports, without tying the core to rich or Textual.

Export functions take ``progress=None`` or any object with ``track(iterable, description, total)``
(a generator that yields the items). The CLI passes :class:`RichProgress`; a TUI worker can pass
an object that posts messages.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator


class NullProgress:
    def track(self, iterable: Iterable, description: str = "", total: int | None = None) -> Iterator:
        yield from iterable


class RichProgress:
    """A rich progress bar on standard error, shown only for work with many items."""

    def __init__(self, threshold: int = 2000):
        self.threshold = threshold

    def track(self, iterable: Iterable, description: str = "", total: int | None = None) -> Iterator:
        if total is None:
            try:
                total = len(iterable)  # type: ignore[arg-type]
            except TypeError:
                total = None
        if total is None or total < self.threshold:
            yield from iterable
            return
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
        with Progress(*columns, console=Console(stderr=True), transient=True) as bar:
            task = bar.add_task(description, total=total)
            step = max(1, total // 200)
            for i, item in enumerate(iterable, start=1):
                yield item
                if i % step == 0:
                    bar.update(task, completed=i)
            bar.update(task, completed=total)


def of(progress) -> NullProgress | RichProgress:
    return progress if progress is not None else NullProgress()
