"""The run store's folder for one fit: its own, locked while in use, and gone afterwards.

A fit writes the training data into its folder (for the trial workers), so the folder must never outlive
the fit by accident, nor be shared: it is created only after the input is validated (a refused input leaves
nothing), a user-given ``tmp_folder`` must be empty (another run's folder is never reused, nor deleted), a
lock keeps a second fit out, and on exit, by return, exception, Ctrl-C or SIGTERM, what this fit created
is removed unless it is to be kept.
"""

from __future__ import annotations

import os
import shutil
import signal
import tempfile
import threading
from pathlib import Path
from types import FrameType
from typing import Any

LOCK_NAME = ".autoclf.lock"


class RunFolder:
    """``with RunFolder(tmp_folder, keep) as root:`` the folder of one fit (see the module docstring)."""

    def __init__(self, tmp_folder: str | os.PathLike | None, keep: bool = False):
        self.requested = tmp_folder
        self.keep = keep
        self.root: Path | None = None
        self._created = False
        self._lock: Any = None
        self._previous_sigterm: Any = None

    def __enter__(self) -> Path:
        if self.requested is None:
            self.root, self._created = Path(tempfile.mkdtemp(prefix="autoclf_")), True
        else:
            self.root = Path(self.requested)
            self._created = not self.root.exists()
            if not self._created and any(self.root.iterdir()):
                raise ValueError(f"tmp_folder {str(self.root)!r} is not empty (another run's store?): give a new or "
                                 "empty folder, or tmp_folder=None for a fresh temporary one; autoclf never reuses "
                                 "or deletes files it did not create")
            try:
                self.root.mkdir(parents=True, exist_ok=True)
                probe = self.root / ".write_test"
                probe.write_text("ok")
                probe.unlink()
            except OSError as error:
                raise ValueError(f"tmp_folder {str(self.root)!r} is not writable: {error}") from error
        self._take_lock()
        self._catch_sigterm()
        return self.root

    def __exit__(self, *exc: object) -> None:
        self._restore_sigterm()
        if self._lock is not None:
            self._lock.close()  # closing releases the lock
        if self.keep or self.root is None:
            return
        if self._created:
            shutil.rmtree(self.root, ignore_errors=True)
        else:  # the user's folder stays, empty as it was given
            for path in self.root.iterdir():
                shutil.rmtree(path, ignore_errors=True) if path.is_dir() else path.unlink(missing_ok=True)

    def _take_lock(self) -> None:
        import fcntl

        assert self.root is not None
        handle = open(self.root / LOCK_NAME, "w")  # noqa: SIM115 - held for the fit's life, closed in __exit__
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            handle.close()
            raise ValueError(f"tmp_folder {str(self.root)!r} is in use by another fit: give each fit its own "
                             "folder") from None
        handle.write(str(os.getpid()))
        handle.flush()
        self._lock = handle

    def _catch_sigterm(self) -> None:
        """SIGTERM (a batch system's stop, ``kill``) ends Python without cleanup: raise instead, so the folder
        and the trial workers go. Only the main thread can install a handler."""
        if threading.current_thread() is threading.main_thread():
            self._previous_sigterm = signal.signal(signal.SIGTERM, _raise_on_sigterm)

    def _restore_sigterm(self) -> None:
        if self._previous_sigterm is not None:
            signal.signal(signal.SIGTERM, self._previous_sigterm)
            self._previous_sigterm = None


def _raise_on_sigterm(signum: int, frame: FrameType | None) -> None:
    raise SystemExit(128 + signum)
