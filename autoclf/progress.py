"""A progress bar for the search: time left, trials done, best score so far (rich; silent at verbose=0).

It draws on stderr, as the docs promise: stdout belongs to the caller (a script piping its predictions,
a notebook cell's printed result), and rich's default console would write there.
"""

from __future__ import annotations

import time
from types import TracebackType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rich.progress import Progress


class SearchProgress:
    """Also a search callback (``on_result``): it keeps the best score itself."""

    def __init__(self, total_seconds: float, metric_name: str, enabled: bool = True,
                 greater_is_better: bool = True):
        self.total_seconds = total_seconds
        self.metric_name = metric_name
        self.enabled = enabled
        self.greater_is_better = greater_is_better
        self.best_score: float | None = None
        self._progress: Progress | None = None
        self._task: Any = None  # rich's TaskID once the bar has started
        self._start = time.perf_counter()

    def __enter__(self) -> "SearchProgress":
        if self.enabled:
            from rich.console import Console
            from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

            self._progress = Progress(
                TextColumn("[bold]autoclf"),
                BarColumn(),
                TimeRemainingColumn(),
                TextColumn("{task.fields[status]}"),
                transient=False,
                console=Console(stderr=True),
            )
            self._progress.start()
            self._task = self._progress.add_task("search", total=self.total_seconds, status="starting")
        return self

    def on_result(self, result: Any) -> None:
        """A trial finished (an ``autoclf.evaluation.result.TrialResult``): count it, keep the best score."""
        score = result.score if result.ok else None
        if score is not None and (self.best_score is None or
                                  (score > self.best_score if self.greater_is_better else score < self.best_score)):
            self.best_score = score
        self.update(result.trial_id + 1, self.best_score)

    def update(self, n_trials: int, best_score: float | None) -> None:
        if self._progress is None:
            return
        best = "-" if best_score is None else f"{best_score:.4f}"
        self._progress.update(
            self._task,
            completed=min(time.perf_counter() - self._start, self.total_seconds),
            status=f"trials {n_trials}  best {self.metric_name} {best}",
        )

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        if self._progress is not None:
            self._progress.update(self._task, completed=self.total_seconds)
            self._progress.stop()
