"""Input layer: validate X and y, infer feature types, encode labels.

Only the light, dependency-free pieces are imported here; import ``InputValidator`` from
``autoclf.dataset.validator`` (it pulls in scikit-learn).
"""

from autoclf.dataset.feature_types import infer_feature_types
from autoclf.dataset.info import FEATURE_TYPES, DatasetInfo, FeatureType

__all__ = ["FEATURE_TYPES", "DatasetInfo", "FeatureType", "infer_feature_types"]
