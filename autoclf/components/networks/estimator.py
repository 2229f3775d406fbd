"""MLPClassifier: a torch network (MLP or ResNet) as a scikit-learn classifier and search-space component.

torch is imported inside methods only, so importing this module (and the registry) stays cheap. A fitted
model keeps its weights as numpy arrays (``network_state_``) plus plain architecture arguments
(``network_spec_``); the live torch module is a cache that pickling drops and prediction rebuilds.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
from ConfigSpace import ConfigurationSpace
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.utils import check_random_state
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import (
    _check_sample_weight,
    check_is_fitted,
    validate_data,
)

from autoclf.components.base import Component
from autoclf.components.networks.data import (
    categorical_cardinalities,
    continuous_columns,
    standardization,
    validation_split,
)
from autoclf.components.networks.runtime import torch_session
from autoclf.dataset.info import DatasetInfo
from autoclf.soft_labels import check_soft_labels

if TYPE_CHECKING:
    from autoclf.components.networks.modules import TabularNetwork

PREDICT_BATCH = 8192


class MLPClassifier(Component, ClassifierMixin, BaseEstimator):
    """A feed-forward network for tabular data, trained with early stopping within the trial's deadline.

    ``architecture`` is "mlp" (``n_layers`` hidden layers) or "resnet" (``n_blocks`` residual blocks), all
    ``width`` wide. ``numeric_embedding="periodic"`` embeds each continuous column (not 0/1 indicators)
    with trainable periodic features (initial frequency scale ``periodic_sigma``). ``categorical_features``:
    indices of columns holding ordinal codes (0..n-1, -1 for unknown) to feed through entity embeddings of
    at most ``max_embedding_dim`` dimensions. Non-indicator columns are standardised inside
    (``standardize``), since the upstream scaler may be "none"; ``validation_fraction`` of the rows
    (stratified) drive early stopping after ``patience`` epochs without improvement (None: never).

    Fitted attributes: ``classes_``, ``n_features_in_``, ``n_epochs_`` (epochs run), ``best_epoch_`` (whose
    weights were kept), ``stopped_by_`` ("early_stopping", "budget", "max_epochs" or "diverged"),
    ``history_`` (per-epoch losses and seconds), ``network_spec_``, ``network_state_``.
    """

    name = "mlp"
    slot = "classifier"
    preload_modules = ("torch",)
    # as logistic regression: standardised inputs (the space's default, no scaling, suits boosting)
    preferred_preprocessing = {"encoding": "one_hot", "scaling": "standard"}
    fidelity_parameter = "max_epochs"
    supports_sample_weight = True

    def __init__(
        self,
        architecture: str = "mlp",
        n_layers: int = 3,
        n_blocks: int = 2,
        width: int = 256,
        dropout: float = 0.2,
        normalization: str = "batch",
        activation: str = "relu",
        optimizer: str = "adamw",
        learning_rate: float = 5e-4,
        weight_decay: float = 1e-5,
        momentum: float = 0.9,
        batch_size: int = 128,
        schedule: str = "cosine",
        label_smoothing: float = 0.0,
        max_epochs: int = 100,
        patience: int | None = 10,
        validation_fraction: float = 0.1,
        standardize: bool = True,
        categorical_features: Sequence[int] | None = None,
        max_embedding_dim: int = 16,
        numeric_embedding: str = "none",
        periodic_sigma: float = 0.3,
        device: str = "auto",
        random_state: int | np.random.RandomState | None = None,
    ) -> None:
        self.architecture = architecture
        self.n_layers = n_layers
        self.n_blocks = n_blocks
        self.width = width
        self.dropout = dropout
        self.normalization = normalization
        self.activation = activation
        self.optimizer = optimizer
        self.learning_rate = learning_rate
        self.weight_decay = weight_decay
        self.momentum = momentum
        self.batch_size = batch_size
        self.schedule = schedule
        self.label_smoothing = label_smoothing
        self.max_epochs = max_epochs
        self.patience = patience
        self.validation_fraction = validation_fraction
        self.standardize = standardize
        self.categorical_features = categorical_features
        self.max_embedding_dim = max_embedding_dim
        self.numeric_embedding = numeric_embedding
        self.periodic_sigma = periodic_sigma
        self.device = device
        self.random_state = random_state

    @classmethod
    def search_space(cls, info: DatasetInfo) -> ConfigurationSpace:
        from autoclf.components.networks.space import network_space

        return network_space(info)

    @classmethod
    def not_applicable_reason(cls, info: DatasetInfo) -> str | None:
        return None if importlib.util.find_spec("torch") is not None else "torch is not installed"

    # ------------------------------------------------------------------ fit
    def fit(self, X: Any, y: Any, sample_weight: Any = None, soft_targets: Any = None) -> MLPClassifier:
        """Train on (X, y); a validation share of the rows drives early stopping and picks the epoch kept.

        ``soft_targets`` (n_samples, n_classes), columns in ``classes_`` (sorted ``y``) order, rows summing
        to 1: train and validate on cross-entropy against these probabilities instead of the hard labels
        (knowledge distillation); ``y`` still defines the classes and stratifies the validation split.
        """
        X, y = validate_data(self, X, y, dtype=np.float64, reset=True)
        check_classification_targets(y)
        self.classes_, codes = np.unique(y, return_inverse=True)
        weight = _check_sample_weight(sample_weight, X, dtype=np.float64, ensure_non_negative=True)
        if len(self.classes_) < 2 or len(np.unique(codes[weight > 0])) < 2:
            raise ValueError(f"{type(self).__name__} needs samples of at least 2 classes with positive weight, "
                             "got 1 class")
        n_classes = len(self.classes_)
        targets = codes if soft_targets is None else check_soft_labels(soft_targets, len(y), n_classes, "soft_targets")
        categorical = [int(i) for i in (self.categorical_features or ())]
        cardinalities = categorical_cardinalities(X, categorical)
        if self.numeric_embedding not in ("none", "periodic"):
            raise ValueError(f"numeric_embedding must be 'none' or 'periodic', got {self.numeric_embedding!r}")
        periodic = continuous_columns(X, categorical) if self.numeric_embedding == "periodic" else []
        self.input_mean_, self.input_scale_ = standardization(X, categorical, self.standardize)
        seed = int(check_random_state(self.random_state).randint(0, 2**31 - 1))
        train_rows, valid_rows = validation_split(codes, self.validation_fraction, seed)
        self.network_spec_ = self._network_spec(X.shape[1], categorical, cardinalities, periodic)
        Z = self._standardized(X)
        train_weight = weight[train_rows] / max(weight[train_rows].mean(), 1e-12)  # mean 1: lr means the same
        with torch_session(self._device(), seed) as (torch, device):
            from autoclf.components.networks.modules import build_network
            from autoclf.components.networks.training import train

            def tensors(rows: np.ndarray, w: np.ndarray) -> tuple:
                return (torch.as_tensor(Z[rows], dtype=torch.float32, device=device),
                        torch.as_tensor(targets[rows], dtype=torch.long if soft_targets is None else torch.float32,
                                        device=device),
                        torch.as_tensor(w, dtype=torch.float32, device=device))

            network = build_network(self.network_spec_).to(device)
            valid = None if valid_rows is None else tensors(valid_rows, weight[valid_rows])
            generator = torch.Generator().manual_seed(seed)
            result = train(network, tensors(train_rows, train_weight), valid, self._settings(), generator)
            self.network_state_ = {k: v.detach().cpu().numpy().copy() for k, v in network.state_dict().items()}
        self.n_epochs_, self.best_epoch_ = result.n_epochs, result.best_epoch
        self.stopped_by_, self.history_ = result.stopped_by, result.history
        self._network: TabularNetwork | None = network
        return self

    def _network_spec(
        self, n_features: int, categorical: list[int], cardinalities: list[int], periodic: list[int]
    ) -> dict[str, Any]:
        """The architecture as plain values: what pickling stores and ``build_network`` rebuilds from."""
        return {
            "architecture": self.architecture, "n_features": n_features, "n_classes": len(self.classes_),
            "n_layers": int(self.n_layers), "n_blocks": int(self.n_blocks), "width": int(self.width),
            "dropout": float(self.dropout), "normalization": self.normalization, "activation": self.activation,
            "categorical_columns": categorical, "cardinalities": cardinalities,
            "max_embedding_dim": int(self.max_embedding_dim),
            "periodic_columns": periodic, "periodic_sigma": float(self.periodic_sigma),
        }

    def _settings(self) -> Any:
        from autoclf.components.networks.training import TrainingSettings

        return TrainingSettings(
            optimizer=self.optimizer, learning_rate=float(self.learning_rate), weight_decay=float(self.weight_decay),
            momentum=float(self.momentum), batch_size=int(self.batch_size), schedule=self.schedule,
            label_smoothing=float(self.label_smoothing), max_epochs=int(self.max_epochs), patience=self.patience,
        )

    # -------------------------------------------------------------- predict
    def predict_proba(self, X: Any) -> np.ndarray:
        """Class probabilities (float64, rows sum to 1), columns in ``classes_`` order."""
        check_is_fitted(self, "network_state_")
        X = validate_data(self, X, dtype=np.float64, reset=False)
        Z = self._standardized(X)
        with torch_session(self._device()) as (torch, device):
            network = self._live_network(torch, device)
            parts = []
            with torch.no_grad():
                for start in range(0, len(Z), PREDICT_BATCH):
                    batch = torch.as_tensor(Z[start : start + PREDICT_BATCH], dtype=torch.float32, device=device)
                    parts.append(torch.softmax(network(batch).double(), dim=1).cpu().numpy())
        proba = np.concatenate(parts) if parts else np.zeros((0, len(self.classes_)))
        return proba / proba.sum(axis=1, keepdims=True)

    def predict(self, X: Any) -> np.ndarray:
        proba = self.predict_proba(X)
        return self.classes_[np.argmax(proba, axis=1)]

    # -------------------------------------------------------------- helpers
    def _standardized(self, X: np.ndarray) -> np.ndarray:
        return (X - self.input_mean_) / self.input_scale_

    def _device(self) -> str:
        if self.device != "auto":
            return str(self.device)
        if importlib.util.find_spec("torch") is None:
            return "cpu"
        import torch

        return "cuda" if torch.cuda.is_available() else "cpu"

    def _live_network(self, torch: Any, device: Any) -> Any:
        """The fitted module on ``device``, rebuilt from the stored spec and weights after unpickling."""
        network = getattr(self, "_network", None)
        if network is None or next(network.parameters()).device != device:
            from autoclf.components.networks.modules import build_network

            network = build_network(self.network_spec_)
            network.load_state_dict({k: torch.from_numpy(np.array(v)) for k, v in self.network_state_.items()})
            network = network.to(device).eval()
            self._network = network
        return network

    def __getstate__(self) -> dict[str, Any]:
        """Pickle the numpy weights and plain spec, never the live torch module (or its device)."""
        state = dict(super().__getstate__())
        state.pop("_network", None)
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        super().__setstate__(state)
        self._network = None  # rebuilt on the first predict, on that machine's device

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = False
        return tags
