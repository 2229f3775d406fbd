"""autoclf: AutoML for tabular classification.

``import autoclf`` stays light: torch, dask, smac and openml are imported where they are used.
"""

from autoclf.classifier import AutoClassifier

__version__ = "0.1.0"
__all__ = ["AutoClassifier", "__version__"]
