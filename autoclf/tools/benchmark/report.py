"""The tables of a benchmark report: summary.md's per-task table, mean rank, wins/ties/losses, normalised
score (``publish`` writes them with the plots).

Failed runs already carry the constant predictor's scores (the runner imputes them, as the AMLB does), so
every summary here counts a failure as the worst sensible result instead of dropping the task, which
would flatter a framework that fails on hard tasks. Ranks and pairwise counts use only tasks where every
framework has a result at that budget (a benchmark still running, or a framework added later).
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd

from autoclf.tools.benchmark import scoring, students

#: two main-metric values closer than this count as a tie in wins/ties/losses
TIE_TOLERANCE = 1e-3
#: Nemenyi critical values q_0.05 for k = 2..10 frameworks (Demsar 2006, table 5)
NEMENYI_Q05 = {2: 1.960, 3: 2.343, 4: 2.569, 5: 2.728, 6: 2.850, 7: 2.949, 8: 3.031, 9: 3.102, 10: 3.164}


def task_scores(results: pd.DataFrame, budget: float) -> pd.DataFrame:
    """Per task x framework: the main metric averaged over folds and seeds (imputed where a run failed)."""
    at = results[results["budget"] == budget]
    return at.pivot_table(index="task", columns="framework", values="score", aggfunc="mean")


def oriented_scores(results: pd.DataFrame, budget: float) -> pd.DataFrame:
    """``task_scores`` turned larger-is-better (log loss negated), tasks complete for all frameworks only."""
    scores = task_scores(results, budget).dropna()
    metric = results.drop_duplicates("task").set_index("task")["metric"]
    return scores.apply(lambda row: row.map(lambda v: scoring.oriented(metric[row.name], v)), axis=1)


def mean_ranks(oriented: pd.DataFrame) -> pd.Series:
    """Average rank per framework over tasks (1 = best; ties share the mean rank)."""
    return oriented.rank(axis=1, ascending=False, method="average").mean().sort_values()


def normalised_scores(results: pd.DataFrame, budget: float) -> pd.DataFrame:
    """Per task: 0 = the constant (class-prior) predictor, 1 = the best framework on that task."""
    oriented = oriented_scores(results, budget)
    if "constant_score" not in results.columns:  # results of an older runner: no reference point
        return oriented * np.nan
    at = results[results["budget"] == budget]
    metric = at.drop_duplicates("task").set_index("task")["metric"]
    constant = at.groupby("task")["constant_score"].mean()
    constant = pd.Series({task: scoring.oriented(metric[task], constant[task]) for task in oriented.index},
                         dtype=float)
    best = oriented.max(axis=1)
    span = (best - constant).where(lambda s: s.abs() > 1e-12)
    return oriented.sub(constant, axis=0).div(span, axis=0)


def pairwise(oriented: pd.DataFrame, tolerance: float = TIE_TOLERANCE) -> pd.DataFrame:
    """``w/t/l`` of the row framework against the column framework over tasks."""
    names = list(oriented.columns)
    table = pd.DataFrame("", index=names, columns=names)
    for a in names:
        for b in names:
            if a == b:
                table.loc[a, b] = "—"
                continue
            diff = oriented[a] - oriented[b]
            wins, losses = int((diff > tolerance).sum()), int((diff < -tolerance).sum())
            table.loc[a, b] = f"{wins}/{len(diff) - wins - losses}/{losses}"
    return table


def critical_difference(k: int, n: int) -> float:
    """Nemenyi critical difference of mean ranks at alpha = 0.05 (NaN beyond the table)."""
    q = NEMENYI_Q05.get(k)
    return float("nan") if q is None or n == 0 else q * np.sqrt(k * (k + 1) / (6.0 * n))


def friedman_p(oriented: pd.DataFrame) -> float:
    """p-value of the Friedman test that all frameworks rank alike (NaN with < 3 frameworks or tasks)."""
    if oriented.shape[1] < 3 or oriented.shape[0] < 3:
        return float("nan")
    from scipy.stats import friedmanchisquare

    return float(friedmanchisquare(*[oriented[c].to_numpy() for c in oriented.columns]).pvalue)


def summary_markdown(results: pd.DataFrame) -> str:
    """The markdown summary: one section per budget, the distilled students (``--students``), then the run
    statistics and the failures."""
    lines = ["# Benchmark summary", ""]
    n_tasks, frameworks = results["task"].nunique(), sorted(results["framework"].unique())
    budgets = ", ".join(f"{budget:g}" for budget in sorted(results["budget"].unique()))
    lines += [f"{n_tasks} tasks, frameworks: {', '.join(frameworks)}; folds: {results['fold'].nunique()}, "
              f"seeds: {results['seed'].nunique()}, budgets (s): {budgets}. "
              "Metric: ROC AUC for binary tasks (higher is better), log loss for multiclass (lower is better), "
              "as the AutoML Benchmark. Failed runs are imputed with the constant predictor and marked *.", ""]
    for budget in sorted(results["budget"].unique()):
        lines += _budget_section(results, budget)
    lines += students.summary_lines(results)
    lines += ["## Runs", "", _markdown(_run_statistics(results), ".3g"), ""]
    failures = results[results["failed"]]
    if not failures.empty:
        lines += ["## Failures", ""]
        lines += [f"- {r.task} / {r.framework} (fold {r.fold}, seed {r.seed}, budget {r.budget:g}): {r.status} — "
                  f"{str(r.error).splitlines()[-1][:200] if str(r.error).strip() else ''}"
                  for r in failures.itertuples()]
        lines.append("")
    return "\n".join(lines)


def _budget_section(results: pd.DataFrame, budget: float) -> list[str]:
    at = results[results["budget"] == budget]
    scores = task_scores(results, budget)
    failed = at.groupby(["task", "framework"])["failed"].any().unstack()
    info = at.drop_duplicates("task").set_index("task")
    table = scores.map(lambda v: f"{v:.4f}" if np.isfinite(v) else "–")
    table = table.where(~failed.reindex_like(table).fillna(False).astype(bool), table + "*")
    table.insert(0, "metric", info.loc[table.index, "metric"])
    table.insert(1, "rows", info.loc[table.index, "n_train"] + info.loc[table.index, "n_test"])
    table.insert(2, "classes", info.loc[table.index, "n_classes"])
    oriented = oriented_scores(results, budget)
    is_best = oriented.eq(oriented.max(axis=1), axis=0)  # ties for first are all best
    for task, row in is_best.iterrows():
        for name in row.index[row.to_numpy()]:
            table.loc[task, name] = f"**{table.loc[task, name]}**"
    ranks = mean_ranks(oriented)
    normalised = normalised_scores(results, budget)
    overview = pd.DataFrame({
        "mean rank": ranks,
        "normalised score (mean)": normalised.mean().reindex(ranks.index) + 0.0,
        "best on (tasks)": is_best.sum().reindex(ranks.index).astype(int),
        "failed runs": at.groupby("framework")["failed"].sum().reindex(ranks.index),
    })
    k, n = oriented.shape[1], oriented.shape[0]
    by_size = _ranks_by_size(oriented, info.loc[oriented.index, "n_train"] + info.loc[oriented.index, "n_test"])
    lines = [f"## Budget {budget:g} s", "", "### Per task (mean over folds and seeds; best in bold)", "",
             _markdown(table), "", f"### Mean rank ({n} tasks complete for all {k} frameworks)", "",
             _markdown(overview, ".3f"), "",
             f"Friedman p = {friedman_p(oriented):.3g}; Nemenyi critical difference of mean ranks (alpha 0.05) = "
             f"{critical_difference(k, n):.3f}. Normalised score: 0 = constant predictor, 1 = best framework on "
             "the task.", "", *by_size,
             f"### Wins/ties/losses (row vs column; tie: |difference| <= {TIE_TOLERANCE:g})", "",
             _markdown(pairwise(oriented)), ""]
    return lines


#: tasks with at least this many rows are reported apart ("large": adult, bank-marketing, electricity, ...)
LARGE_ROWS = 40_000


def _ranks_by_size(oriented: pd.DataFrame, rows: pd.Series) -> list[str]:
    """Mean ranks on small and on large tasks separately, when the tasks include both."""
    large = rows >= LARGE_ROWS
    if large.all() or not large.any():
        return []
    frame = pd.DataFrame({f"< {LARGE_ROWS:,} rows ({(~large).sum()} tasks)": mean_ranks(oriented[~large]),
                          f">= {LARGE_ROWS:,} rows ({large.sum()} tasks)": mean_ranks(oriented[large])})
    return ["### Mean rank by data size", "", _markdown(frame, ".3f"), ""]


def _run_statistics(results: pd.DataFrame) -> pd.DataFrame:
    grouped = results.groupby(["framework", "budget"])
    used = results["fit_s"] / results["budget"]  # share of the budget that fit took
    first = results["info"].map(_first_model_seconds) if "info" in results else pd.Series(np.nan, results.index)
    return pd.DataFrame({
        "runs": grouped.size(), "failed": grouped["failed"].sum(),
        "accuracy": grouped["accuracy"].mean(), "balanced accuracy": grouped["balanced_accuracy"].mean(),
        "fit s (mean)": grouped["fit_s"].mean(), "predict s (mean)": grouped["predict_s"].mean(),
        "over budget s (max)": grouped["over_budget_s"].max(), "wall s (max)": grouped["wall_s"].max(),
        "peak MB (max)": grouped["peak_memory_mb"].max(),
        "peak MB (median)": grouped["peak_memory_mb"].median(),
        # proportional set size: shared pages split between the processes sharing them (older runs: none)
        "peak PSS MB (median)": (grouped["peak_pss_mb"].median() if "peak_pss_mb" in results
                                 else pd.Series(np.nan, grouped.size().index)),
        "fit / budget (median)": used.groupby([results["framework"], results["budget"]]).median(),
        "fit in last 3 % (runs)": used.between(0.97, 1.02).groupby([results["framework"], results["budget"]]).sum(),
        "fit over 102 % (runs)": (used > 1.02).groupby([results["framework"], results["budget"]]).sum(),
        "first model s (median)": first.groupby([results["framework"], results["budget"]]).median(),
    })


def _first_model_seconds(info: object) -> float:
    """Seconds to the first successful trial, where the framework reports it (autoclf's run info)."""
    try:
        value = json.loads(str(info)).get("first_model_s")
    except (ValueError, AttributeError):
        return np.nan
    return float(value) if value is not None else np.nan


def _markdown(frame: pd.DataFrame, floatfmt: str = ".4f") -> str:
    """A pipe table (pandas' to_markdown needs tabulate, which autoclf does not depend on)."""
    def cell(value: object) -> str:
        if isinstance(value, (float, np.floating)):
            return "–" if not np.isfinite(value) else format(value, floatfmt)
        return str(value)

    index_name = " / ".join(str(n) for n in frame.index.names if n is not None) or ""
    header = [index_name, *[str(c) for c in frame.columns]]
    rows = [[cell(i if not isinstance(i, tuple) else " / ".join(map(str, i))), *[cell(v) for v in row]]
            for i, row in zip(frame.index, frame.itertuples(index=False))]
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    return "\n".join(lines + ["| " + " | ".join(row) + " |" for row in rows])
