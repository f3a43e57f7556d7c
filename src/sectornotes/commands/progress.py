"""Build progress: a live bar on a terminal, one line per output otherwise."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from ..engine.engine import Reporter

if TYPE_CHECKING:
    from rich.progress import TaskID


class LineReporter(Reporter):
    """One line per output on stderr, for logs and CI."""

    def __init__(self, explain: bool):
        self.explain = explain

    def done(self, output: str, seconds: float, reasons: list[str]) -> None:
        why = f"  ({'; '.join(reasons)})" if self.explain else ""
        print(f"built build/{output} [{seconds:.2f} s]{why}", file=sys.stderr, flush=True)

    def failed(self, output: str, message: str) -> None:
        print(f"FAILED build/{output}: {message.splitlines()[0]}", file=sys.stderr, flush=True)


class TerminalReporter(LineReporter):
    """A rich progress bar above the per-output lines."""

    def __init__(self, explain: bool):
        super().__init__(explain)
        from rich.console import Console
        from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

        self.console = Console(stderr=True)
        self.progress = Progress(TextColumn("building"), BarColumn(), TextColumn(
            "{task.completed}/{task.total}"), TimeElapsedColumn(), console=self.console,
            transient=True)
        self.task: TaskID | None = None

    def start(self, count: int) -> None:
        if self.task is None:
            self.progress.start()
            self.task = self.progress.add_task("build", total=count)
        else:
            self.progress.update(self.task, total=(self.progress.tasks[0].total or 0) + count)

    def done(self, output: str, seconds: float, reasons: list[str]) -> None:
        why = f" [dim]({'; '.join(reasons)})[/dim]" if self.explain else ""
        self.console.print(f"built build/{output} [{seconds:.2f} s]{why}", highlight=False)
        if self.task is not None:
            self.progress.advance(self.task)

    def failed(self, output: str, message: str) -> None:
        self.console.print(f"[red]FAILED[/red] build/{output}: {message.splitlines()[0]}",
                           highlight=False)
        if self.task is not None:
            self.progress.advance(self.task)

    def close(self) -> None:
        if self.task is not None:
            self.progress.stop()


def make_reporter(explain: bool) -> Reporter:
    """A terminal progress bar when stderr is a TTY, else plain lines."""
    return TerminalReporter(explain) if sys.stderr.isatty() else LineReporter(explain)
