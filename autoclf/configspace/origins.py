"""Where a configuration came from: one vocabulary for the initial design, the warm start, SMAC and the
leaderboard's ``origin`` column (a StrEnum: stored and shown as its plain string)."""

from __future__ import annotations

from enum import StrEnum


class Origin(StrEnum):
    DEFAULT = "default"  # a configuration a cold start runs anyway: the space's default or a family default
    USER = "user"  # given through initial_configurations
    KNN = "meta-learning kNN"  # the best configurations of the nearest data sets of the meta-database
    PORTFOLIO = "portfolio"  # the meta-database's cost-aware greedy portfolio
    FAMILY_START = "meta-learning family start"  # a family's best candidate on the nearest data sets
    RANDOM = "random"  # SMAC's random interleaving or initial design
    SMAC_MODEL = "smac model"  # proposed by SMAC's surrogate model
    FALLBACK = "fallback"  # the in-process fallback served when no trial succeeded
