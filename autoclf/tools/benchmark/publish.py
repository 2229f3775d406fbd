"""What a benchmark run leaves in its folder: results.csv, summary.md and the plots.

Apart from ``report`` (tables) and ``plots`` (figures, which read the tables), so neither imports the other
back.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pandas as pd

from autoclf.tools.benchmark import plots
from autoclf.tools.benchmark.report import summary_markdown

logger = logging.getLogger(__name__)


def write_reports(results: pd.DataFrame, out: Path, pair: list[str] | None = None) -> list[Path]:
    """results.csv, summary.md and the PNG plots under ``out``; returns the paths written."""
    out = Path(out)
    if results.empty:
        logger.warning("no results under %s: nothing to report", out)
        return []
    written = [out / "results.csv", out / "summary.md"]
    results.to_csv(written[0], index=False)
    written[1].write_text(summary_markdown(results))
    written += plots.write_plots(results, out, pair=pair or _configured_pair(out))
    return written


def _configured_pair(out: Path) -> list[str] | None:
    """The first two frameworks in the order the benchmark was configured (e.g. autoclf vs hgb)."""
    try:
        names = [framework["name"] for framework in json.loads((out / "config.json").read_text())["frameworks"]]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return names[:2] if len(names) >= 2 else None
