"""Benchmark runner: autoclf, scikit-learn baselines and other AutoML systems on OpenML suites or a mirror.

``autoclf benchmark --suite quick --frameworks autoclf,hgb,rf --time-left 60 --out DIR`` runs every
(task, fold, framework, seed, budget) in its own process under hard limits, one result file per run
(so a benchmark resumes where it stopped), then writes ``results.csv``, ``summary.md`` and PNG plots.
Nothing here is imported by ``import autoclf``; see ``docs/benchmark.md``.
"""
