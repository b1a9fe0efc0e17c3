"""Progress of a batch on stderr: a live counter on a terminal, nothing at all otherwise.

Messages about bad records must go through the same object while the
counter is live, or they would tear its line; `say` takes care of that.
"""

from __future__ import annotations

import contextlib

import click


class _Quiet:
    def advance(self, records: int = 1):
        pass

    def say(self, text: str):
        click.echo(text, err=True)


class _Live:
    def __init__(self, progress, task):
        self.progress = progress
        self.task = task

    def advance(self, records: int = 1):
        self.progress.advance(self.task, records)

    def say(self, text: str):
        self.progress.console.print(text, markup=False, highlight=False, soft_wrap=True)


@contextlib.contextmanager
def shown(enabled: bool):
    """Yield an object with `advance(records=1)` (more records done) and `say(text)` (a message on stderr)."""
    if not enabled:
        yield _Quiet()
        return
    from rich.console import Console
    from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    console = Console(stderr=True, highlight=False)
    columns = (SpinnerColumn(), TextColumn("计分中"), BarColumn(), TextColumn("{task.completed} 条"),
               TimeElapsedColumn())
    # Results may go to stdout (a pipe): leave stdout and stderr alone, print through the console.
    with Progress(*columns, console=console, transient=True, redirect_stdout=False,
                  redirect_stderr=False) as progress:
        yield _Live(progress, progress.add_task("计分", total=None))
