"""The torch settings one fit or predict runs under, restored afterwards: torch is global state.

torch is imported inside the function, so importing this module does not import it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any


@contextmanager
def torch_session(device_name: str, seed: int | None = None) -> Iterator[tuple[Any, Any]]:
    """One intra-op thread (a trial owns one core), deterministic kernels, and - with a seed - a forked
    global RNG seeded for initialisation and dropout; every global torch setting is restored on exit.

    Deterministic algorithms are switched on only off the CPU: with one thread the CPU kernels a network
    uses are deterministic already, and the switch imports torch._inductor (with dynamo and sympy):
    ~75 MB more in every process that trains or predicts, and about a second (issue 17)."""
    import torch

    device = torch.device(device_name)
    if device.type == "cuda" and device.index is None:
        device = torch.device("cuda", torch.cuda.current_device())  # comparable with a parameter's device
    threads = torch.get_num_threads()
    deterministic = torch.are_deterministic_algorithms_enabled()
    warn_only = torch.is_deterministic_algorithms_warn_only_enabled()
    accelerated = device.type != "cpu"
    torch.set_num_threads(1)
    if accelerated:
        torch.use_deterministic_algorithms(True, warn_only=True)
    try:
        if seed is None:
            yield torch, device
        else:
            cuda = [device.index or 0] if device.type == "cuda" else []
            with torch.random.fork_rng(devices=cuda, device_type="cuda"):
                torch.manual_seed(seed)
                yield torch, device
    finally:
        torch.set_num_threads(threads)
        if accelerated:
            torch.use_deterministic_algorithms(deterministic, warn_only=warn_only)
