"""One diffusion step of LanPaint: replace, Langevin "thinking" on the BiG score, final denoise.

`LangevinRefiner` is the per-diffusion-step piece any sampler can drive: it takes the sampler's
state x at noise level sigma and returns the refined state and its x0 estimate; the sampler
then steps from those (Euler, DPM++, ...).
"""
import math
from dataclasses import dataclass
from typing import Callable, Optional

import torch

from .big_score import bi_guided_centre
from .coordinates import add_noise, alpha_bar, native_scale
from .oscillator import (LeimkuhlerMatthewsStep, OscillatorTransition, lm_euler, lm_exponential, lm_step,
                         ou_step, ou_transition, sho_step, sho_transition)
from .params import LanPaintParams

# denoise(x_native, sigma[batch]) -> x0 or (x0, x0_big)
Denoiser = Callable[[torch.Tensor, torch.Tensor], object]


def binarize_mask(mask: torch.Tensor) -> torch.Tensor:
    """ComfyUI mask (1 = regenerate, 0 = keep, soft values allowed) -> bool; >= 0.5 regenerates."""
    return mask >= 0.5


def _region_map(regen: torch.Tensor, x_value: float, y_value: float) -> torch.Tensor:
    # Python scalars: no host-to-device copy, so building the schedule never syncs.
    return torch.where(regen, x_value, y_value).to(torch.float32)


def _transition_map(regen, tx, ty):
    """Per-region coefficients of a transition dataclass (x values where regen, else y values)."""
    return type(tx)(*(
        _region_map(regen, getattr(tx, name), getattr(ty, name))
        for name in type(tx).__dataclass_fields__))


@dataclass(frozen=True)
class InnerSchedule:
    """Region-wise coefficients of the inner solver (mask-shaped float32 tensors).

    Because h ∝ (1 - abar) and Gamma ∝ 1 / (1 - abar), they do not depend on the noise level,
    so they are built once per mask.
    """

    full: Optional[OscillatorTransition] = None
    half: Optional[OscillatorTransition] = None
    kick: Optional[torch.Tensor] = None  # sqrt(r) * a: momentum kick per unit change of the scaled centre
    lm: Optional[LeimkuhlerMatthewsStep] = None

    @classmethod
    def build(cls, params: LanPaintParams, regen: torch.Tensor) -> "InnerSchedule":
        lam = params.lam
        a_x = params.step_size
        a_y = params.beta * params.step_size * (1 + lam)
        if params.scheme == "lm":
            # x: Euler drift of eta (1 - abar), stable below 2 for any data (the score's curvature
            # never exceeds A_x); y: stiffer by 1 + lam, so its frozen force is integrated exactly.
            return cls(lm=_transition_map(regen, lm_euler(a_x), lm_exponential(a_y)))
        r_x = params.friction**2
        r_y = params.friction**2 / (1 + lam)
        if params.scheme == "sho":
            step = sho_transition
        else:
            step = lambda a, r: ou_transition(a)  # noqa: E731 - friction plays no part
        return cls(
            full=_transition_map(regen, step(a_x, r_x), step(a_y, r_y)),
            half=_transition_map(regen, step(a_x / 2, r_x), step(a_y / 2, r_y)),
            kick=_region_map(regen, math.sqrt(r_x) * a_x, math.sqrt(r_y) * a_y),
        )


def _as_pair(out) -> tuple[torch.Tensor, torch.Tensor]:
    x0, x0_big = out if isinstance(out, tuple) else (out, out)
    return x0.float(), x0_big.float()


class LangevinRefiner:
    """Runs LanPaint's inner iterations for one mask, latent and starting noise.

    latent: the clean latent (known values where regen is False); noise: the N(0, 1) draw that
    started the chain (reused by the replace step). All tensors on one device; dynamics in float32,
    the denoiser is called in the latent's dtype.

    Use one refiner for all diffusion steps of a run: the "lm" scheme carries its last noise draw
    from one call to the next (the chain's half-steps straddle the diffusion steps). A fresh refiner
    per step still works but loses that draw's second half, about 1 / (2 thinking_steps) of the slow
    directions' variance.
    """

    def __init__(self, denoise: Denoiser, latent: torch.Tensor, regen: torch.Tensor,
                 noise: torch.Tensor, params: LanPaintParams, *, flow: bool,
                 generator: Optional[torch.Generator] = None):
        self.denoise = denoise
        self.io_dtype = latent.dtype
        self.known = latent.float()
        self.regen = regen
        self.noise = noise.float()
        self.params = params
        self.flow = flow
        self.generator = generator
        self.schedule = InnerSchedule.build(params, regen)
        self._carried_noise: Optional[torch.Tensor] = None  # lm: the draw shared with the next step

    def _randn(self, like: torch.Tensor) -> torch.Tensor:
        return torch.randn(like.shape, generator=self.generator, device=like.device, dtype=like.dtype)

    def replace(self, x: torch.Tensor, sigma_b: torch.Tensor) -> torch.Tensor:
        """Put the forward-noised observation into the known region (native coordinates)."""
        return torch.where(self.regen, x, add_noise(self.known, self.noise, sigma_b, self.flow))

    def __call__(self, x: torch.Tensor, sigma: torch.Tensor, thinking_steps: int,
                 on_iteration: Optional[Callable[[int, torch.Tensor], None]] = None):
        """Refine x at noise level sigma ([batch]); return (x_refined, x0) in native coordinates.

        on_iteration(k, x0) is called after each inner model call (progress, previews, interrupts).
        """
        sigma_b = sigma.reshape(-1, *([1] * (x.dim() - 1))).float()
        scale = native_scale(sigma_b, self.flow)
        abar, one_minus_abar = alpha_bar(sigma_b, self.flow)
        sqrt_abar = abar.sqrt()
        lam = self.params.lam

        def evaluate(x_native):
            return _as_pair(self.denoise(x_native.to(self.io_dtype), sigma))

        def centre(z):
            x0, x0_big = evaluate(z * scale)
            return bi_guided_centre(z, x0, x0_big, self.known, self.regen, sqrt_abar, lam), x0

        x = self.replace(x.float(), sigma_b)
        if thinking_steps > 0:
            # 1/sqrt(A) per region: the std of the frozen-force equilibrium
            spread = torch.sqrt(torch.where(self.regen, one_minus_abar, one_minus_abar / (1 + lam)))
            x = self._iterate(x / scale, centre, spread, thinking_steps, on_iteration) * scale
        x0, _ = evaluate(x)
        return x, torch.where(self.regen, x0, self.known)

    def _stop_check(self, like: torch.Tensor):
        """settled(x0_prev, x0) -> bool for the adaptive stop (None when it is off): the x0 estimate's
        root-mean-square move over the regenerated elements of the batch is within stop_tolerance.
        One reduction and one device-to-host read per call -- per thinking step, not per element."""
        tol = self.params.stop_tolerance
        if tol <= 0:
            return None
        regen = self.regen.expand(like.shape)
        bound = tol * tol * regen.sum().clamp(min=1)

        def settled(x0_prev, x0):
            return bool(torch.where(regen, x0 - x0_prev, 0.0).square().sum() <= bound)
        return settled

    def _iterate(self, z, centre, spread, thinking_steps, on_iteration):
        s = self.schedule
        settled = self._stop_check(z)
        if self.params.scheme == "lm":
            return self._iterate_lm(z, centre, spread, thinking_steps, on_iteration, settled)
        c, x0 = centre(z)
        if on_iteration is not None:
            on_iteration(0, x0)
        if self.params.scheme == "ou":
            for k in range(thinking_steps):
                x0_prev = x0
                if k > 0:
                    c, x0 = centre(z)
                    if on_iteration is not None:
                        on_iteration(k, x0)
                u = ou_step((z - c) / spread, s.full, self._randn(z))
                z = c + u * spread
                if k > 0 and settled is not None and settled(x0_prev, x0):
                    break
            return z
        v = self._randn(z)  # fresh momentum each diffusion step, v = q / sqrt(Gamma) ~ N(0, I)
        u, v = sho_step((z - c) / spread, v, s.full, self._randn(z), self._randn(z))
        z = c + u * spread
        for k in range(1, thinking_steps):
            u, v = sho_step((z - c) / spread, v, s.half, self._randn(z), self._randn(z))
            z = c + u * spread
            x0_prev = x0
            c_new, x0 = centre(z)
            if on_iteration is not None:
                on_iteration(k, x0)
            v = v + s.kick * (c_new - c) / spread  # midpoint force update
            c = c_new
            u, v = sho_step((z - c) / spread, v, s.half, self._randn(z), self._randn(z))
            z = c + u * spread
            if settled is not None and settled(x0_prev, x0):
                break
        return z

    def _iterate_lm(self, z, centre, spread, thinking_steps, on_iteration, settled):
        """Leimkuhler-Matthews steps: each noise draw is shared by two consecutive steps, the
        previous call's last draw included, so the chain runs on across diffusion steps."""
        t = self.schedule.lm
        xi = self._carried_noise
        if xi is None or xi.shape != z.shape:
            xi = self._randn(z)
        x0 = None
        for k in range(thinking_steps):
            x0_prev = x0
            c, x0 = centre(z)
            if on_iteration is not None:
                on_iteration(k, x0)
            xi_new = self._randn(z)
            z = c + lm_step((z - c) / spread, t, xi, xi_new) * spread
            xi = xi_new
            if k > 0 and settled is not None and settled(x0_prev, x0):
                break
        self._carried_noise = xi
        return z
