"""The training loop as plain functions: optimiser, schedule, weighted loss, early stopping, the deadline.

Imported lazily (torch at module level). The loop only ever stops between optimiser steps and always
ends on a consistent state: the best validated epoch's weights when there is a validation set, else the
weights after the last completed step.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field

import torch
from torch import nn
from torch.nn import functional as F

from autoclf.budget import seconds_left

OPTIMIZERS: tuple[str, ...] = ("adamw", "sgd")
SCHEDULES: tuple[str, ...] = ("cosine", "one_cycle", "constant")
#: headroom on the measured epoch time before starting another one (epochs vary a little)
EPOCH_TIME_SAFETY = 1.2


@dataclass(frozen=True)
class TrainingSettings:
    """Hyperparameters of the loop (plain values, straight from the estimator)."""

    optimizer: str = "adamw"
    learning_rate: float = 5e-4
    weight_decay: float = 1e-5
    momentum: float = 0.9
    batch_size: int = 128
    schedule: str = "cosine"
    label_smoothing: float = 0.0
    max_epochs: int = 100
    patience: int | None = 10


@dataclass
class TrainingResult:
    """What happened: epochs run, the epoch whose weights were kept, why training stopped, per-epoch log."""

    n_epochs: int = 0
    best_epoch: int = 0
    stopped_by: str = "max_epochs"
    history: list[dict[str, float]] = field(default_factory=list)


def make_optimizer(network: nn.Module, settings: TrainingSettings) -> torch.optim.Optimizer:
    """AdamW or SGD (Nesterov momentum); weight decay only on weight matrices, not on biases and norms."""
    decay = [p for p in network.parameters() if p.ndim >= 2]
    no_decay = [p for p in network.parameters() if p.ndim < 2]
    groups = [{"params": decay, "weight_decay": settings.weight_decay}, {"params": no_decay, "weight_decay": 0.0}]
    if settings.optimizer == "adamw":
        return torch.optim.AdamW(groups, lr=settings.learning_rate)
    if settings.optimizer == "sgd":
        return torch.optim.SGD(groups, lr=settings.learning_rate, momentum=settings.momentum, nesterov=True)
    raise ValueError(f"optimizer must be one of {OPTIMIZERS}, got {settings.optimizer!r}")


def make_scheduler(
    optimizer: torch.optim.Optimizer, settings: TrainingSettings, total_steps: int
) -> torch.optim.lr_scheduler.LRScheduler | None:
    """A per-step schedule over ``max_epochs`` epochs (so max_epochs, the fidelity, also sets its length)."""
    total_steps = max(1, total_steps)
    if settings.schedule == "constant":
        return None
    if settings.schedule == "cosine":
        return torch.optim.lr_scheduler.LambdaLR(
            optimizer, lambda step: 0.5 * (1.0 + math.cos(math.pi * min(step, total_steps) / total_steps))
        )
    if settings.schedule == "one_cycle":
        return torch.optim.lr_scheduler.OneCycleLR(
            optimizer, max_lr=settings.learning_rate, total_steps=total_steps + 1, pct_start=0.3
        )
    raise ValueError(f"schedule must be one of {SCHEDULES}, got {settings.schedule!r}")


def batch_slices(n_rows: int, batch_size: int) -> list[slice]:
    """Batches over a shuffled epoch; a last batch under half the size is dropped (noisy, and size 1 breaks
    batch norm). Rows dropped in one epoch are used in the next, since every epoch reshuffles."""
    batch_size = max(1, min(batch_size, n_rows))
    slices = [slice(start, min(start + batch_size, n_rows)) for start in range(0, n_rows, batch_size)]
    last = slices[-1].stop - slices[-1].start
    if len(slices) > 1 and (last < batch_size / 2 or last < 2):
        slices.pop()
    return slices


def weighted_loss(
    logits: torch.Tensor, y: torch.Tensor, weight: torch.Tensor, label_smoothing: float = 0.0
) -> torch.Tensor:
    """Mean of weight × cross-entropy; weights are scaled to mean 1 over the training rows beforehand.

    ``y`` is either class codes (long) or soft targets (float, one probability column per class, used by
    distillation): ``F.cross_entropy`` takes both, so the loop and ``evaluate`` serve either unchanged."""
    losses = F.cross_entropy(logits, y, reduction="none", label_smoothing=label_smoothing)
    return (weight * losses).mean()


@torch.no_grad()
def evaluate(network: nn.Module, X: torch.Tensor, y: torch.Tensor, weight: torch.Tensor, batch: int = 4096) -> float:
    """Weighted validation log loss (no label smoothing): what early stopping minimises."""
    network.eval()
    total = torch.zeros((), dtype=torch.float64, device=X.device)
    for start in range(0, len(X), batch):
        part = slice(start, start + batch)
        losses = F.cross_entropy(network(X[part]), y[part], reduction="none")
        total += (weight[part] * losses).sum().double()
    return float(total / weight.sum().double().clamp_min(1e-12))


def snapshot(network: nn.Module) -> dict[str, torch.Tensor]:
    """A detached copy of the weights (and batch-norm statistics), never a view of the live ones."""
    return {key: value.detach().clone() for key, value in network.state_dict().items()}


def train(
    network: nn.Module,
    train_data: tuple[torch.Tensor, torch.Tensor, torch.Tensor],
    valid_data: tuple[torch.Tensor, torch.Tensor, torch.Tensor] | None,
    settings: TrainingSettings,
    generator: torch.Generator,
) -> TrainingResult:
    """Train ``network`` in place on (X, y, weight) tensors, shuffled with ``generator`` (a CPU generator).

    Before each epoch the loop checks ``autoclf.budget.seconds_left()`` against the last epoch's duration
    and stops cleanly when another epoch would not fit; within an epoch it stops between steps once the
    deadline has passed. With ``valid_data`` it keeps the weights of the epoch with the lowest validation
    loss and stops after ``patience`` epochs without improvement.
    """
    X, y, weight = train_data
    n_rows = len(X)
    slices = batch_slices(n_rows, settings.batch_size)
    optimizer = make_optimizer(network, settings)
    scheduler = make_scheduler(optimizer, settings, settings.max_epochs * len(slices))
    result = TrainingResult()
    best_loss, best_state, since_best = math.inf, None, 0
    epoch_seconds = 0.0
    for epoch in range(1, settings.max_epochs + 1):
        if epoch > 1 and seconds_left() < EPOCH_TIME_SAFETY * epoch_seconds:
            result.stopped_by = "budget"
            break
        started = time.perf_counter()
        network.train()
        order = torch.randperm(n_rows, generator=generator).to(X.device)
        running, interrupted = 0.0, False
        for step, batch in enumerate(slices):
            if step > 0 and seconds_left() <= 0:  # at least one step per epoch: some progress each time
                interrupted = True
                break
            rows = order[batch]
            loss = weighted_loss(network(X[rows]), y[rows], weight[rows], settings.label_smoothing)
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
            if scheduler is not None:
                scheduler.step()
            running += float(loss.detach())
        train_loss = running / len(slices)
        if not math.isfinite(train_loss):
            if best_state is None:
                raise ValueError(
                    f"training diverged (non-finite loss) in epoch {epoch}; try a lower learning_rate"
                )
            result.stopped_by = "diverged"
            break
        if interrupted:
            result.stopped_by = "budget"
            if best_state is None:  # nothing validated yet: the partly trained weights are all there is
                result.n_epochs, result.best_epoch = epoch, epoch
            break
        result.n_epochs = epoch
        record = {"epoch": float(epoch), "train_loss": train_loss}
        if valid_data is not None:
            valid_loss = evaluate(network, *valid_data)
            record["valid_loss"] = valid_loss
            if valid_loss < best_loss:
                best_loss, best_state, since_best = valid_loss, snapshot(network), 0
                result.best_epoch = epoch
            else:
                since_best += 1
        else:
            result.best_epoch = epoch
        epoch_seconds = time.perf_counter() - started
        record["seconds"] = epoch_seconds
        result.history.append(record)
        if settings.patience is not None and valid_data is not None and since_best >= settings.patience:
            result.stopped_by = "early_stopping"
            break
    if best_state is not None:
        network.load_state_dict(best_state)
    network.eval()
    return result
