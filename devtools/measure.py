"""What tests and benchmarks measure, one way each: the model calls a sampler makes, and the peak
memory of a stretch of code.

``ModelCalls`` is the host's model_function_wrapper (``ModelPatcher.set_model_unet_function_wrapper``):
every model call passes through it, whatever node or sampler made it, on a clone of the model
(``recording``). ``PeakMemory`` reads the peak above the start of a ``with`` block: on CUDA the
allocator's peak; on the CPU the process's peak resident size (VmHWM, reset through
/proc/self/clear_refs), or ru_maxrss where the kernel offers no reset.
"""
from __future__ import annotations

import resource
import time
from typing import Any, Callable

import torch


class ModelCalls:
    """Counts model calls, their batch elements and latent pixels (batch x h x w), the seconds
    inside them and the spatial sizes seen; keeps ``what(args)`` of each call in ``seen``; calls
    ``on_call(n)`` before the n-th call (1-based) runs, e.g. to press the host's Cancel."""

    def __init__(self, what: Callable[[dict], Any] | None = None, on_call: Callable[[int], None] | None = None,
                 sync: Callable[[], None] = lambda: None):
        self.what, self.on_call, self.sync = what, on_call, sync
        self.reset()

    def __deepcopy__(self, memo):
        return self  # ModelPatcher.clone deep-copies model_options: keep recording here

    def reset(self):
        self.calls, self.batch, self.pixels, self.seconds = 0, 0, 0, 0.0
        self.sizes: set[tuple[int, int]] = set()
        self.seen: list = []

    def __call__(self, apply_model, args):
        x = args["input"]
        self.calls += 1
        self.batch += int(x.shape[0])
        self.pixels += int(x.shape[0]) * int(x.shape[-2]) * int(x.shape[-1])
        self.sizes.add((int(x.shape[-2]), int(x.shape[-1])))
        if self.what is not None:
            self.seen.append(self.what(args))
        if self.on_call is not None:
            self.on_call(self.calls)
        self.sync()
        start = time.perf_counter()
        out = apply_model(x, args["timestep"], **args["c"])
        self.sync()
        self.seconds += time.perf_counter() - start
        return out


def recording(model, **options) -> tuple[Any, ModelCalls]:
    """A clone of the MODEL ``model`` whose calls a new ModelCalls(**options) records."""
    clone, calls = model.clone(), ModelCalls(**options)
    clone.set_model_unet_function_wrapper(calls)
    return clone, calls


def _status_kib(field: str) -> int | None:
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


def _reset_resident_peak() -> bool:
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
    except OSError:
        return False
    rss, hwm = _status_kib("VmRSS"), _status_kib("VmHWM")
    return rss is not None and hwm is not None and hwm <= rss + 1024


class PeakMemory:
    """``with PeakMemory(cuda) as peak: ...`` then ``peak.mib``: the peak above the start, in MiB, and
    ``peak.method``: how it was read."""

    def __init__(self, cuda: bool = False):
        self.cuda = cuda
        self.mib = float("nan")
        self.method = ""

    def __enter__(self):
        if self.cuda:
            torch.cuda.synchronize()
            torch.cuda.reset_peak_memory_stats()
            self.method, self._start = "cuda max_memory_allocated", torch.cuda.memory_allocated()
        elif _reset_resident_peak():
            self.method, self._start = "VmHWM (reset) - VmRSS", _status_kib("VmRSS")
        else:
            self.method, self._start = "ru_maxrss delta", resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        return self

    def __exit__(self, *exc):
        if self.cuda:
            torch.cuda.synchronize()
            self.mib = (torch.cuda.max_memory_allocated() - self._start) / 2 ** 20
        elif self.method.startswith("VmHWM"):
            self.mib = (_status_kib("VmHWM") - self._start) / 1024
        else:
            self.mib = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - self._start) / 1024
        return False
