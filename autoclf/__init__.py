"""autoclf: AutoML for tabular classification.

``import autoclf`` stays light: torch, dask, smac and openml are imported where they are used.
"""

from autoclf.classifier import AutoClassifier
from autoclf.version import __version__

__all__ = ["AutoClassifier", "__version__"]
