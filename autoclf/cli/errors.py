"""How the command line reports failure: which exceptions are the user's to fix, and as what one-line message
and exit status. A new user met 13-17-line tracebacks for a misspelt column; a traceback is for ``--debug``.
"""

from __future__ import annotations

import re

EXIT_OK, EXIT_INTERNAL, EXIT_USER, EXIT_INTERRUPTED = 0, 1, 2, 130

#: modules whose own ValueError / TypeError is a verdict on the input or the arguments (parameter checks,
#: data validation, metric names, include/exclude, model files, run folders); one raised deeper is internal
VALIDATING_MODULES = ("autoclf.dataset", "autoclf.fit_rules", "autoclf.fit_setup", "autoclf.metrics",
                      "autoclf.configspace.builder", "autoclf.fitted_api", "autoclf.evaluation.run_folder",
                      "autoclf.metalearning.database", "autoclf.tools")
#: OS errors about a path the user gave: the message names the path
PATH_ERRORS = (FileNotFoundError, PermissionError, IsADirectoryError, NotADirectoryError)


class UserError(Exception):
    """A problem with the command's arguments or files: one line on stderr, exit status 2, no traceback."""


def classify(error: BaseException) -> tuple[int, str]:
    """(exit status, one-line message) of an exception that ended a command."""
    if isinstance(error, UserError):
        status, message = EXIT_USER, f"autoclf: error: {error}"
    elif isinstance(error, KeyboardInterrupt):
        status, message = EXIT_INTERRUPTED, "autoclf: interrupted" + (f": {error}" if str(error) else "")
    elif isinstance(error, SystemExit) and isinstance(error.code, str):  # raise SystemExit("autoclf x: message")
        status, message = EXIT_USER, "autoclf: error: " + re.sub(r"^autoclf[\w ]*: ", "", error.code)
    elif isinstance(error, PATH_ERRORS):
        status, message = EXIT_USER, f"autoclf: error: {error.strerror or error}: {error.filename}"
    elif isinstance(error, (ValueError, TypeError)) and raised_in(error, VALIDATING_MODULES):
        status, message = EXIT_USER, f"autoclf: error: {error}"
    else:
        status, message = EXIT_INTERNAL, (f"autoclf: internal error: {type(error).__name__}: {error} (rerun with "
                                          "--debug for the traceback, and report it)")
    return status, one_line(message)


def raised_in(error: BaseException, modules: tuple[str, ...]) -> bool:
    """Whether the innermost frame of the traceback (the raise statement) is in one of ``modules``."""
    frame = error.__traceback__
    if frame is None:
        return False
    while frame.tb_next is not None:
        frame = frame.tb_next
    name = frame.tb_frame.f_globals.get("__name__", "")
    return any(name == module or name.startswith(module + ".") for module in modules)


def one_line(message: str) -> str:
    """Line breaks (and the indentation after them) as single spaces."""
    return re.sub(r"\s*\n\s*", " ", message.strip())
