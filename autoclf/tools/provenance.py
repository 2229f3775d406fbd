"""Where a tool's result came from: the repository it ran from and its commit.

One place for both tools (the benchmark and the meta-database rebuild), which each had their own copy.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

#: the checkout this autoclf runs from (autoclf/tools/provenance.py -> the repository root)
REPOSITORY = Path(__file__).resolve().parents[2]


def git_commit(short: bool = False) -> str:
    """The commit of the autoclf source tree running, with "+dirty" for uncommitted changes under autoclf/;
    "" outside a git checkout (an installed wheel)."""
    try:
        head = ["git", "rev-parse", *(["--short"] if short else []), "HEAD"]
        commit = subprocess.run(head, cwd=REPOSITORY, capture_output=True, text=True, timeout=10).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no", "--", "autoclf"],
                               cwd=REPOSITORY, capture_output=True, text=True, timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return ""
    return commit + ("+dirty" if commit and dirty else "")
