"""Input layer: validate X and y, infer feature types, encode labels."""

from autoclf.dataset.info import FEATURE_TYPES, DatasetInfo, FeatureType

__all__ = ["FEATURE_TYPES", "DatasetInfo", "FeatureType"]
