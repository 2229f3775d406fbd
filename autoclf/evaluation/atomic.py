"""Write-then-rename: a file that is read while (or after) it is written is either the old one or the
whole new one, never half of it. A killed or failing write leaves no temporary file behind.

The temporary file lies beside the target (``name.tmp``) so the rename stays on one file system, where
``os.replace`` is atomic.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any


def temporary_path(path: str | Path) -> Path:
    """Where ``path`` is written before it is renamed into place: ``path`` with ``.tmp`` appended."""
    path = Path(path)
    return path.with_name(path.name + ".tmp")


def dump_atomic(path: str | Path, writer: Callable[[Path], object]) -> None:
    """Call ``writer`` with a temporary path beside ``path`` (e.g. ``lambda t: joblib.dump(obj, t)``), then
    rename it to ``path``; if the writer or the rename fails, the temporary file is removed and the error
    raised, leaving any old ``path`` as it was."""
    path = Path(path)
    temporary = temporary_path(path)
    try:
        writer(temporary)
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def write_text_atomic(path: str | Path, text: str) -> None:
    """``Path.write_text(text)`` (same encoding), atomically."""
    dump_atomic(path, lambda temporary: temporary.write_text(text))


def write_json_atomic(path: str | Path, obj: Any, *, end: str = "", **dump_kwargs: Any) -> None:
    """``json.dumps(obj, **dump_kwargs) + end`` written atomically; the JSON is made before any file is
    touched, so an object that cannot be written leaves no trace."""
    write_text_atomic(path, json.dumps(obj, **dump_kwargs) + end)
