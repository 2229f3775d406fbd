"""The command line's files: read and write tables, split off the target, match a file's columns to a model's.

Every problem here is the user's to fix (a path, a column name), so each raises :class:`UserError` with a
message that names the file and the fix; ``autoclf.cli`` prints it as one line. Nothing here prints.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from autoclf.cli.errors import UserError

#: suffixes read as csv (``.gz``: a gzipped csv); anything else but ``.parquet`` is refused
CSV_SUFFIXES = (".csv", ".txt", ".gz")


def existing_file(path: str | Path, what: str) -> Path:
    """``path`` as a Path, or a UserError that says what was expected there."""
    path = Path(path)
    if not path.exists():
        raise UserError(f"no such file: {path} (the {what})")
    if path.is_dir():
        raise UserError(f"{path} is a folder, not a file (the {what})")
    return path


def writable_target(path: str | Path, what: str) -> Path:
    """Check before any long work that ``path`` can be written: its folder exists and it is not a folder."""
    path = Path(path)
    if path.is_dir():
        raise UserError(f"{path} is a folder; give a file name for the {what}")
    if not path.parent.exists():
        raise UserError(f"the folder {path.parent} does not exist (for the {what} {path.name}); create it first")
    return path


def read_table(path: str | Path, what: str = "data file") -> pd.DataFrame:
    """A ``.csv`` (``.txt``, ``.csv.gz``) or ``.parquet`` file as a DataFrame."""
    path = existing_file(path, what)
    if path.suffix == ".parquet":
        reader, kind = pd.read_parquet, "parquet"
    elif path.suffix in CSV_SUFFIXES:
        reader, kind = pd.read_csv, "csv"
    else:
        raise UserError(f"{path} is neither .csv nor .parquet (the {what}); give a file with one of those suffixes")
    try:
        return reader(path)
    except (OSError, ValueError, UnicodeDecodeError) as error:  # pandas' and pyarrow's parse errors are ValueErrors
        raise UserError(f"cannot read {path} as {kind}: {_first_line(error)}") from error


def write_table(frame: pd.DataFrame, path: str | Path) -> None:
    """Parquet for a ``.parquet`` suffix, csv otherwise."""
    path = Path(path)
    try:
        if path.suffix == ".parquet":
            frame.to_parquet(path, index=False)
        else:
            frame.to_csv(path, index=False)
    except OSError as error:
        raise UserError(f"cannot write {path}: {error.strerror or error}") from error


def split_target(frame: pd.DataFrame, target: str | None, path: str | Path) -> tuple[pd.DataFrame, pd.Series]:
    """(features, labels): ``target`` or, without one, the last column."""
    if frame.shape[1] < 2:
        raise UserError(f"{path} has {frame.shape[1]} column(s); fit needs at least one feature column and the "
                        "target column")
    target = target if target is not None else str(frame.columns[-1])
    names = [str(column) for column in frame.columns]
    if target not in names:
        close = difflib.get_close_matches(target, names, n=1)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        raise UserError(f"no column {target!r} in {path}{hint} (columns: {_shorten(names)}); --target names the "
                        "label column")
    column = frame.columns[names.index(target)]
    return frame.drop(columns=[column]), frame[column]


def select_model_columns(frame: pd.DataFrame, expected: Sequence[str], fitted_on_frame: bool,
                         path: str | Path) -> tuple[pd.DataFrame, list[str]]:
    """The file's columns the model was fitted on, in fit-time order, and the names of the others (left out).

    A file that lacks a fit-time column raises a UserError naming the missing and the extra columns: the
    usual cause is a file of another schema, or a renamed column. Extra columns (the target, an id) are
    left out, so a file may be the training file itself.
    """
    names = [str(column) for column in frame.columns]
    if not fitted_on_frame:  # fitted on an array: columns are matched by position
        if len(names) != len(expected):
            raise UserError(f"{path} has {len(names)} columns; the model was fitted on an array of {len(expected)} "
                            "columns, matched by position")
        return frame, []
    missing = [name for name in expected if name not in names]
    known = set(expected)
    extra = [name for name in names if name not in known]
    if missing:
        raise UserError(f"{path} does not have the model's columns: missing columns: {_shorten(missing)}; extra "
                        f"columns: {_shorten(extra)} (`autoclf info MODEL` lists the {len(expected)} columns the "
                        "model was fitted on)")
    positions = {name: index for index, name in enumerate(names)}
    return frame.iloc[:, [positions[name] for name in expected]], extra


def kept_columns(frame: pd.DataFrame, keep: Sequence[str], path: str | Path) -> pd.DataFrame:
    """The columns ``keep`` names (copied to the predictions, e.g. an id), or a UserError naming the absent ones."""
    names = [str(column) for column in frame.columns]
    absent = [name for name in keep if name not in names]
    if absent:
        raise UserError(f"--keep names column(s) {absent} that {path} does not have (columns: {_shorten(names)})")
    return frame.iloc[:, [names.index(name) for name in keep]].reset_index(drop=True)


def _shorten(names: Sequence[str], limit: int = 20) -> str:
    """A list for a one-line message: all of a short one, the first ``limit`` and a count of a long one."""
    shown = ", ".join(repr(name) for name in names[:limit])
    return f"[{shown}, ... {len(names) - limit} more]" if len(names) > limit else f"[{shown}]"


def _first_line(error: BaseException) -> str:
    text = str(error).strip() or type(error).__name__
    return text.splitlines()[0]
