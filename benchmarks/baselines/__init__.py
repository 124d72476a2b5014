"""Inpainting baselines from the literature, each against the core's denoise(x, sigma) -> x0 contract.

Every method is a function method(denoise, latent, mask, sigmas, *, flow, generator, **settings)
returning the inpainted latent (mask: 1 = regenerate; the kept region is returned exactly, as
LanPaint returns it), so the same code runs on the analytic models (benchmarks/analytic.py) and on a
host model (benchmarks/paper_table.py). BASELINES holds each with its paper settings and the
settings that spend a given number of model calls.
"""
from dataclasses import dataclass
from typing import Callable

from . import copaint as _copaint
from . import repaint as _repaint
from .ddrm import ddrm
from .dps import dps, mcg
from .replace import replace


@dataclass(frozen=True)
class Baseline:
    name: str
    run: Callable
    calls_per_step: int = 1  # model calls per diffusion step at the default settings
    resampling: bool = False  # RePaint: spends its calls on resampling at a fixed step count

    def paper(self, steps: int) -> tuple[int, dict]:
        """(steps, settings) at the paper's settings on a schedule of `steps` steps (RePaint: jumps of
        10/250 of the schedule, 10 resamplings)."""
        if self.resampling:
            return steps, dict(jump=max(1, round(10 * steps / 250)), resample=10)
        return steps, {}

    def at_calls(self, calls: int, steps: int) -> tuple[int, dict]:
        """(steps, settings) spending `calls` model calls (at most); `steps`: the schedule the
        method would run at its paper settings. RePaint keeps the steps and resamples more; the
        others take more steps."""
        if self.resampling:
            return steps, dict(jump=1, resample=max(1, calls // steps))
        return max(1, calls // self.calls_per_step), {}

    def model_calls(self, steps: int, settings: dict) -> int:
        if self.resampling:
            return _repaint.model_calls(steps, **settings)
        return steps * self.calls_per_step


BASELINES = {b.name: b for b in (
    Baseline("Replace", replace),
    Baseline("RePaint", _repaint.repaint, resampling=True),
    Baseline("DDRM", ddrm),
    Baseline("DPS", dps),
    Baseline("MCG", mcg),
    Baseline("CoPaint", _copaint.copaint, calls_per_step=_copaint.model_calls(1)),
)}
BACKPROPAGATING = ("DPS", "MCG", "CoPaint")  # they differentiate through the denoiser

__all__ = ["BASELINES", "BACKPROPAGATING", "Baseline", "replace", "ddrm", "dps", "mcg"]
