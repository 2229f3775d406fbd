"""Where openml-python reads its files, what that cache holds, and a fast, clear error when OpenML is out of reach.

openml-python serves a task from its cache without the network when every file is there, but on a miss it
calls the server with retries and no timeout, and after a failed call it deletes the task's or data set's
cache folder. So autoclf looks in the cache itself first: a task it holds is read with the network out of
the question (one try, no parquet download), and a task it lacks is fetched only after a short connection
test, which otherwise ends in :class:`OpenMLUnavailable` within seconds, before openml-python touches the
cache. A read-only cache is read through a temporary folder of links, so nothing is ever written into it.
"""

from __future__ import annotations

import atexit
import logging
import os
import re
import shutil
import stat
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

logger = logging.getLogger(__name__)

#: seconds the connection test waits for openml.org's answer before OpenML counts as unreachable
PROBE_TIMEOUT_S = 5.0
_shown: dict[str, str] = {}  # root openml-python uses -> the folder the user named (a shadow's original)
_probed: dict[str, str | None] = {}  # server -> why it could not be reached (None: it could)


class OpenMLUnavailable(ValueError):
    """OpenML data was asked for, the cache does not hold it, and openml.org cannot be reached."""


@dataclass(frozen=True)
class Held:
    """A task or data set every needed file of which is in the cache; whether the data set's qualities are too,
    and whether openml-python must be kept from fetching the parquet file its description names (the cache
    has the ARFF file only)."""

    dataset_id: int
    qualities: bool
    skip_parquet: bool


def use_cache(path: str | Path | None) -> None:
    """Point openml-python at the cache folder ``path`` (the one holding ``org/openml/www``); None keeps the
    configured one ($OPENML_CACHE_DIR, openml's config file, or ~/.cache/openml). A cache holding only
    another server's files (say ``org/openml/test``) switches the server to that one."""
    import openml

    if path is not None:
        folder = Path(path).expanduser().resolve()
        if not folder.is_dir():
            raise ValueError(f"--openml-cache {path}: no such folder (give openml-python's cache folder, the one "
                             "holding org/openml/www)")
        if (folder / "tasks").is_dir() or (folder / "datasets").is_dir():
            raise ValueError(f"--openml-cache {path} is one server's folder: give the cache folder above it (the "
                             "one holding org/openml/...)")
        root = folder if _writable(folder) else _shadow(folder)
        if root != folder:
            logger.info("the OpenML cache %s is read-only: read through links in %s", folder, root)
        _shown[str(root)] = str(folder)
        openml.config.set_root_cache_directory(str(root))
    _match_server(Path(openml.config.get_config_as_dict()["cachedir"]))


def cache_root() -> str:
    """The cache folder in use, as the user named it (not the temporary links of a read-only cache)."""
    import openml

    root = str(openml.config.get_config_as_dict()["cachedir"])
    return _shown.get(root, root)


def holds_task(task_id: int) -> Held | None:
    """The cache's files of ``task_id`` (task, splits, and its data set's), or None when one is missing."""
    import openml

    task_dir = Path(openml.config.get_cache_directory()) / "tasks" / str(task_id)
    try:
        task_xml = (task_dir / "task.xml").read_text(encoding="utf8")
    except OSError:
        return None
    match = re.search(r"<oml:data_set_id>\s*(\d+)\s*</oml:data_set_id>", task_xml)
    splits = (task_dir / "datasplits.arff").is_file() or (task_dir / "datasplits.pkl.py3").is_file()
    return holds_dataset(int(match.group(1))) if match is not None and splits else None


def holds_dataset(dataset_id: int) -> Held | None:
    """The cache's files of data set ``dataset_id`` (description, features, data), or None when one is missing."""
    import openml

    data_dir = Path(openml.config.get_cache_directory()) / "datasets" / str(dataset_id)
    try:
        description = (data_dir / "description.xml").read_text(encoding="utf8")
    except OSError:
        return None
    parquet = any(data_dir.glob("*.pq"))
    if not (data_dir / "features.xml").is_file() or not (parquet or (data_dir / "dataset.arff").is_file()):
        return None
    return Held(dataset_id, qualities=(data_dir / "qualities.xml").is_file(),
                skip_parquet=not parquet and "oml:parquet_url" in description)


def require_server(what: str, fix: str | None = None) -> None:
    """Raise :class:`OpenMLUnavailable` for ``what`` (``fix``: the way out, if not the usual one) unless the
    OpenML server answers an HTTP request (through the environment's proxy, as openml-python's would) within
    PROBE_TIMEOUT_S; asked once per process."""
    import openml
    import requests

    base = openml.config.server.split("/api")[0]
    if base not in _probed:
        try:
            requests.head(base, timeout=PROBE_TIMEOUT_S)
            _probed[base] = None
        except requests.exceptions.Timeout:
            _probed[base] = f"no answer within {PROBE_TIMEOUT_S:g} s"
        except requests.exceptions.RequestException as error:  # the innermost reason: NameResolutionError, ...
            reason = getattr(error.args[0], "reason", error.args[0]) if error.args else error
            _probed[base] = type(reason if isinstance(reason, BaseException) else error).__name__
    if _probed[base] is not None:
        host = urlparse(base).hostname
        raise OpenMLUnavailable(unavailable_message(what, f"{host} could not be reached ({_probed[base]})", fix))
    root = str(openml.config.get_config_as_dict()["cachedir"])
    if _shown.get(root, root) != root:
        logger.warning("%s: downloaded into a temporary copy of the read-only cache %s, gone when this process "
                       "ends", what, _shown[root])


def unavailable_message(what: str, reason: str, fix: str | None = None) -> str:
    """One line: what was asked for, why it cannot be had, and the ways out."""
    return f"{what}: {reason}, " + (fix or (
        f"and the OpenML cache {cache_root()} does not hold it; give --openml-cache PATH with a cache that holds "
        "it (docs/benchmark.md says how to fill one), or benchmark a mirror with --suite PATH"))


@contextmanager
def fetching(what: str, held: Held | None) -> Iterator[None]:
    """Around one openml-python call: a cached task gets one try and no parquet download (nothing should need
    the network); a network failure or a server's refusal becomes one clear ValueError."""
    import openml
    import requests
    import urllib3

    retries, skip_parquet = openml.config.connection_n_retries, os.environ.get("OPENML_SKIP_PARQUET")
    if held is not None:
        openml.config.connection_n_retries = 1
        if held.skip_parquet:
            os.environ["OPENML_SKIP_PARQUET"] = "true"
    try:
        yield
    except (requests.exceptions.ConnectionError, requests.exceptions.Timeout,
            urllib3.exceptions.HTTPError) as error:
        reason = (f"the cache holds only part of it and the server could not be reached ({type(error).__name__})"
                  if held is not None else f"the connection to OpenML failed ({type(error).__name__})")
        raise OpenMLUnavailable(unavailable_message(what, reason)) from None
    except openml.exceptions.OpenMLServerException as error:
        raise ValueError(f"{what}: OpenML answered: {error}") from None
    finally:
        openml.config.connection_n_retries = retries
        _restore_env("OPENML_SKIP_PARQUET", skip_parquet)


def _match_server(root: Path) -> None:
    """Switch openml-python to the server whose files the cache holds, when it holds none of the current one's."""
    import openml

    if Path(openml.config.get_cache_directory()).is_dir():
        return
    servers = sorted(path for path in root.glob("*/*/*") if (path / "tasks").is_dir() or (path / "datasets").is_dir())
    if len(servers) == 1:
        host = ".".join(reversed(servers[0].relative_to(root).parts))
        openml.config.server = f"https://{host}/api/v1/xml"


def _writable(folder: Path) -> bool:
    """Whether openml-python may write into the cache: every folder writable, by permission bits as well (a
    folder made read-only stays untouched even for root)."""
    for path, _, _ in os.walk(folder):
        if not os.access(path, os.W_OK) or not os.stat(path).st_mode & stat.S_IWUSR:
            return False
    return True


def _shadow(folder: Path) -> Path:
    """A temporary copy of the cache's folders with links to its files: openml-python reads the files and
    writes its pickles beside the links. Removed when the process ends."""
    for root, original in _shown.items():
        if original == str(folder) and Path(root).is_dir():
            return Path(root)
    shadow = Path(tempfile.mkdtemp(prefix="autoclf-openml-cache-"))
    atexit.register(shutil.rmtree, shadow, True)
    for path, _, files in os.walk(folder):
        target = shadow / Path(path).relative_to(folder)
        target.mkdir(exist_ok=True)
        for name in files:
            (target / name).symlink_to(Path(path) / name)
    return shadow


def _restore_env(name: str, value: Any) -> None:
    if value is None:
        os.environ.pop(name, None)
    else:
        os.environ[name] = value
