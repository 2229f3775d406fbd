"""The benchmark's plots: files written, imputed (failed) runs drawn hollow with a legend entry, axes that
name the metric and its direction."""

from __future__ import annotations

import pandas as pd

from autoclf.tools.benchmark import plots


def _results() -> pd.DataFrame:
    """Two frameworks on four tasks; B failed on t2 and t3 (scored as the constant predictor, imputed)."""
    rows = []
    for task, metric, scores, constant in [("t1", "auc", {"A": 0.9, "B": 0.8}, 0.5),
                                           ("t2", "logloss", {"A": 0.2, "B": 1.0}, 1.0),
                                           ("t3", "auc", {"A": 0.7, "B": 0.5}, 0.5),
                                           ("t4", "logloss", {"A": 0.3, "B": 0.4}, 1.0)]:
        for framework, value in scores.items():
            failed = framework == "B" and task in ("t2", "t3")
            rows.append({"task": task, "framework": framework, "budget": 60.0, "fold": 0, "seed": 0,
                         "metric": metric, "score": value, "constant_score": constant, "failed": failed,
                         "imputed": failed})
    return pd.DataFrame(rows)


def _legend(axis) -> list[str]:
    return [text.get_text() for text in axis.get_legend().get_texts()]


def test_scatter_draws_imputed_runs_hollow_with_a_legend_entry(tmp_path):
    figure = plots.scatter_plot(_results(), 60.0, tmp_path / "scatter.png")
    assert (tmp_path / "scatter.png").read_bytes()[:4] == b"\x89PNG"
    auc, logloss = figure.axes
    assert auc.get_title() == "ROC AUC (higher is better)" and logloss.get_title() == "log loss (lower is better)"
    assert auc.get_xlabel() == "A: ROC AUC (higher is better)"
    assert logloss.get_ylabel() == "B: log loss (lower is better)"
    for axis in (auc, logloss):
        assert _legend(axis) == ["both measured", "a run failed (imputed)"]
        measured, imputed = axis.collections[:2]
        assert len(measured.get_offsets()) == 1 and len(imputed.get_offsets()) == 1
        assert len(imputed.get_facecolors()) == 0 and len(imputed.get_edgecolors()) == 1  # hollow


def test_scatter_without_failures_has_no_imputed_entry_and_reads_old_results(tmp_path):
    results = _results().assign(failed=False).drop(columns="imputed")  # a runner before the imputed column
    figure = plots.scatter_plot(results, 60.0, tmp_path / "scatter.png")
    assert all(_legend(axis) == ["both measured"] for axis in figure.axes)
    failed = _results().drop(columns="imputed")
    assert all("a run failed (imputed)" in _legend(axis) for axis in plots.scatter_plot(failed, 60.0,
                                                                                         tmp_path / "s.png").axes)


def test_write_plots_writes_every_plot(tmp_path):
    written = plots.write_plots(_results(), tmp_path)
    assert [path.name for path in written] == ["critical_difference.png", "score_vs_budget.png", "scatter.png"]
    assert all(path.read_bytes()[:4] == b"\x89PNG" for path in written)
