"""The torch networks: a plain MLP and a residual MLP, with optional entity embeddings in front.

Imported lazily (only when a network is fitted or rebuilt), so ``import autoclf`` never imports torch.
Every module is built from plain keyword arguments (``NetworkSpec``), so a fitted network can be stored
as those arguments plus a state dict and rebuilt anywhere.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import Any, cast

import torch
from torch import nn

ACTIVATIONS: dict[str, type[nn.Module]] = {
    "relu": nn.ReLU,
    "leaky_relu": nn.LeakyReLU,
    "gelu": nn.GELU,
    "silu": nn.SiLU,
    "elu": nn.ELU,
}
NORMALIZATIONS: tuple[str, ...] = ("batch", "layer", "none")


def make_norm(kind: str, width: int) -> nn.Module:
    """Batch norm suits small batches of i.i.d. rows; layer norm is batch-size independent."""
    if kind == "batch":
        return nn.BatchNorm1d(width)
    if kind == "layer":
        return nn.LayerNorm(width)
    if kind == "none":
        return nn.Identity()
    raise ValueError(f"normalization must be one of {NORMALIZATIONS}, got {kind!r}")


def make_activation(name: str) -> nn.Module:
    try:
        return ACTIVATIONS[name]()
    except KeyError:
        raise ValueError(f"activation must be one of {sorted(ACTIVATIONS)}, got {name!r}") from None


def embedding_size(cardinality: int, max_dim: int = 16) -> int:
    """fast.ai's rule of thumb (1.6 * n^0.56), capped: small vocabularies get small vectors."""
    return int(max(1, min(max_dim, round(1.6 * cardinality**0.56))))


class PeriodicEmbedding(nn.Module):
    """Per-feature periodic embedding ("PLR", Gorishniy et al. 2022): x -> relu(W_j [cos(2pi f_j x), sin(2pi f_j x)]).

    Trainable frequencies let the network bend each feature sharply where it matters, the kind of
    threshold pattern trees find easily and a plain MLP smooths over. ``sigma`` scales the initial
    frequencies (for standardised inputs, 0.1-1 suits most data).
    """

    def __init__(self, n_features: int, n_frequencies: int = 16, dim: int = 16, sigma: float = 0.3) -> None:
        super().__init__()
        self.frequencies = nn.Parameter(torch.empty(n_features, n_frequencies))
        nn.init.trunc_normal_(self.frequencies, 0.0, sigma, a=-3 * sigma, b=3 * sigma)
        bound = (2 * n_frequencies) ** -0.5
        self.weight = nn.Parameter(torch.empty(n_features, 2 * n_frequencies, dim).uniform_(-bound, bound))
        self.bias = nn.Parameter(torch.empty(n_features, dim).uniform_(-bound, bound))
        self.out_features = n_features * dim

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        angles = 2 * math.pi * self.frequencies * x[..., None]  # (batch, features, frequencies)
        periodic = torch.cat([torch.cos(angles), torch.sin(angles)], dim=-1)
        embedded = torch.einsum("bfk,fkd->bfd", periodic, self.weight) + self.bias
        return torch.relu(embedded).flatten(1)


class TabularInput(nn.Module):
    """Routes columns: plain numeric ones pass through, ``periodic_columns`` get periodic embeddings, and
    integer-coded ``categorical_columns`` are looked up in entity embeddings.

    Codes are the ordinal encoder's: 0..n-1 for known categories, -1 for unknown ones. They are shifted by
    one so index 0 is "unknown"; a code above the largest seen at fit time also maps to "unknown".
    """

    plain_index: torch.Tensor  # buffers
    periodic_index: torch.Tensor
    categorical_index: torch.Tensor
    max_code: torch.Tensor

    def __init__(
        self, n_features: int, categorical_columns: Sequence[int] = (), cardinalities: Sequence[int] = (),
        embedding_dims: Sequence[int] = (), periodic_columns: Sequence[int] = (), periodic_sigma: float = 0.3,
    ) -> None:
        super().__init__()
        if not len(categorical_columns) == len(cardinalities) == len(embedding_dims):
            raise ValueError("categorical_columns, cardinalities and embedding_dims must have equal lengths")
        categorical = [int(c) for c in categorical_columns]
        periodic = [int(c) for c in periodic_columns]
        plain = [i for i in range(n_features) if i not in set(categorical) | set(periodic)]
        self.register_buffer("plain_index", torch.tensor(plain, dtype=torch.long), persistent=False)
        self.register_buffer("periodic_index", torch.tensor(periodic, dtype=torch.long), persistent=False)
        self.register_buffer("categorical_index", torch.tensor(categorical, dtype=torch.long), persistent=False)
        # cardinality counts the known codes; +1 row for "unknown"
        self.register_buffer("max_code", torch.tensor(list(cardinalities), dtype=torch.long) - 1, persistent=False)
        self.embeddings = nn.ModuleList(nn.Embedding(n + 1, d) for n, d in zip(cardinalities, embedding_dims))
        # unit-norm vectors on average, like a one-hot column (N(0, 1) overfits)
        for embedding in cast(Iterable[nn.Embedding], self.embeddings):
            nn.init.normal_(embedding.weight, 0.0, embedding.embedding_dim**-0.5)
        self.periodic = PeriodicEmbedding(len(periodic), sigma=periodic_sigma) if periodic else None
        self.out_features = (len(plain) + sum(int(d) for d in embedding_dims)
                             + (self.periodic.out_features if self.periodic is not None else 0))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if not len(self.embeddings) and self.periodic is None:
            return x
        parts = [x.index_select(1, self.plain_index)]
        if self.periodic is not None:
            parts.append(self.periodic(x.index_select(1, self.periodic_index)))
        if len(self.embeddings):
            codes = x.index_select(1, self.categorical_index).round().long()
            codes = torch.where((codes < 0) | (codes > self.max_code), -1, codes) + 1
            parts.extend(embedding(codes[:, i]) for i, embedding in enumerate(self.embeddings))
        return torch.cat(parts, dim=1)


class MLP(nn.Module):
    """[linear → norm → activation → dropout] × n_layers → linear head: the classic tabular baseline."""

    def __init__(
        self, in_features: int, n_classes: int, n_layers: int, width: int, dropout: float, normalization: str,
        activation: str,
    ) -> None:
        super().__init__()
        layers: list[nn.Module] = []
        previous = in_features
        for _ in range(n_layers):
            layers += [nn.Linear(previous, width), make_norm(normalization, width), make_activation(activation)]
            if dropout > 0:
                layers.append(nn.Dropout(dropout))
            previous = width
        self.body = nn.Sequential(*layers)
        self.head = nn.Linear(previous, n_classes)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(self.body(x))


class ResidualBlock(nn.Module):
    """x + linear(dropout(activation(linear(norm(x))))): the block of Gorishniy et al.'s tabular ResNet."""

    def __init__(self, width: int, hidden: int, dropout: float, normalization: str, activation: str) -> None:
        super().__init__()
        self.norm = make_norm(normalization, width)
        self.linear_in = nn.Linear(width, hidden)
        self.activation = make_activation(activation)
        self.dropout = nn.Dropout(dropout)
        self.linear_out = nn.Linear(hidden, width)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x + self.linear_out(self.dropout(self.activation(self.linear_in(self.norm(x)))))


class ResNet(nn.Module):
    """Linear stem → residual blocks (hidden width 2× the stream) → norm → activation → linear head.

    The skip connections keep gradients healthy at depth, so deeper nets train as easily as shallow ones.
    """

    def __init__(
        self, in_features: int, n_classes: int, n_blocks: int, width: int, dropout: float, normalization: str,
        activation: str, hidden_factor: int = 2,
    ) -> None:
        super().__init__()
        self.stem = nn.Linear(in_features, width)
        self.blocks = nn.Sequential(
            *(ResidualBlock(width, hidden_factor * width, dropout, normalization, activation) for _ in range(n_blocks))
        )
        self.head = nn.Sequential(make_norm(normalization, width), make_activation(activation),
                                  nn.Linear(width, n_classes))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(self.blocks(self.stem(x)))


class TabularNetwork(nn.Module):
    """Input layer (embeddings) followed by the body: the whole fitted network, logits out."""

    def __init__(self, spec: dict[str, Any]) -> None:
        super().__init__()
        cardinalities = spec.get("cardinalities", ())
        dims = [embedding_size(n + 1, spec.get("max_embedding_dim", 16)) for n in cardinalities]
        self.input = TabularInput(
            spec["n_features"], spec.get("categorical_columns", ()), cardinalities, dims,
            spec.get("periodic_columns", ()), spec.get("periodic_sigma", 0.3),
        )
        common = {
            "in_features": self.input.out_features, "n_classes": spec["n_classes"], "width": spec["width"],
            "dropout": spec["dropout"], "normalization": spec["normalization"], "activation": spec["activation"],
        }
        if spec["architecture"] == "mlp":
            self.body: nn.Module = MLP(n_layers=spec["n_layers"], **common)
        elif spec["architecture"] == "resnet":
            self.body = ResNet(n_blocks=spec["n_blocks"], **common)
        else:
            raise ValueError(f"architecture must be 'mlp' or 'resnet', got {spec['architecture']!r}")

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.body(self.input(x))


def build_network(spec: dict[str, Any]) -> TabularNetwork:
    """The network a spec (plain Python values) describes, with fresh weights from torch's current seed."""
    return TabularNetwork(spec)
