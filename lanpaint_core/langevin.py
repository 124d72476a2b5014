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
    """Runs LanPaint's thinking steps for one mask, latent and starting noise.

    latent: the clean latent (the kept values where regen is False); noise: the N(0, 1) draw that
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
        self.kept = latent.float()
        self.regen = regen
        self.noise = noise.float()
        self.params = params
        self.flow = flow
        self.generator = generator
        self.schedule = InnerSchedule.build(params, regen)
        self._carried_noise: Optional[torch.Tensor] = None  # lm: the draw shared with the next step
        self._estimate: Optional[tuple[torch.Tensor, torch.Tensor]] = None  # the latest (x0, x0_big) from the model
        # After a thinking step the sampler carries the joint state it left (kept region included) to the
        # next thinking step; before the first one the kept region is replaced at every evaluation.
        self.carries_state = False

    def continue_run(self, previous: "LangevinRefiner") -> "LangevinRefiner":
        """Take over a run from the refiner of the previous mask (Differential Diffusion changes it per step):
        its latest model estimate, its carried state and noise. Returns self."""
        self._estimate, self.carries_state = previous._estimate, previous.carries_state
        self._carried_noise = previous._carried_noise
        return self

    def _randn(self, like: torch.Tensor) -> torch.Tensor:
        return torch.randn(like.shape, generator=self.generator, device=like.device, dtype=like.dtype)

    def replace(self, x: torch.Tensor, sigma_b: torch.Tensor) -> torch.Tensor:
        """Put the forward-noised observation into the kept region (native coordinates)."""
        return torch.where(self.regen, x, add_noise(self.kept, self.noise, sigma_b, self.flow))

    def __call__(self, x: torch.Tensor, sigma: torch.Tensor, thinking_steps: int,
                 on_iteration: Optional[Callable[[int, torch.Tensor], None]] = None):
        """One diffusion step's model work: think, then denoise the refined state. Returns (x_refined, x0) in
        native coordinates; the sampler steps from x_refined with x0 (N + 1 model calls). A step without
        thinking after a thinking step denoises the carried state as it is (carries_state)."""
        if thinking_steps > 0 or not self.carries_state:
            x = self.think(x, sigma, thinking_steps, on_iteration)
        return x, self.denoised(x, sigma)

    def think(self, x: torch.Tensor, sigma: torch.Tensor, thinking_steps: int,
              on_iteration: Optional[Callable[[int, torch.Tensor], None]] = None) -> torch.Tensor:
        """Replace, then `thinking_steps` Langevin steps on the BiG score at noise level sigma ([batch]);
        returns the refined state in native coordinates (x itself is not modified).

        on_iteration(k, x0) is called after each thinking step's model call (progress, previews, interrupts).
        """
        sigma_b = self._column(sigma, x)
        x = self.replace(x.float(), sigma_b)
        if thinking_steps == 0:
            return x
        self.carries_state = True
        scale = native_scale(sigma_b, self.flow)
        abar, one_minus_abar = alpha_bar(sigma_b, self.flow)
        sqrt_abar = abar.sqrt()
        lam = self.params.lam

        def centre_of(z, estimate):
            x0, x0_big = estimate
            return bi_guided_centre(z, x0, x0_big, self.kept, self.regen, sqrt_abar, lam)

        def centre(z):  # one model call
            estimate = self._evaluate(z * scale, sigma)
            return centre_of(z, estimate), estimate[0]

        z = x / scale
        # Warm start: the model's latest estimate (the sampler's last call, on the path that led here)
        # gives the first move's force for free; along an ODE path the x0 estimate barely changes.
        warm = None if self._estimate is None else (centre_of(z, self._estimate), self._estimate[0])
        # 1/sqrt(A) per region: the std of the frozen-force equilibrium
        spread = torch.sqrt(torch.where(self.regen, one_minus_abar, one_minus_abar / (1 + lam)))
        return self._iterate(z, centre, warm, spread, thinking_steps, on_iteration) * scale

    def denoised(self, x: torch.Tensor, sigma: torch.Tensor) -> torch.Tensor:
        """The model's x0 at state x as it is (no replace), with the kept region set to the latent."""
        x0, _ = self._evaluate(x.float(), sigma)
        return torch.where(self.regen, x0, self.kept)

    def denoised_replaced(self, x: torch.Tensor, sigma: torch.Tensor) -> torch.Tensor:
        """The host's plain masked denoise: x0 at x with the forward-noised latent in the kept region."""
        return self.denoised(self.replace(x.float(), self._column(sigma, x)), sigma)

    @staticmethod
    def _column(sigma: torch.Tensor, like: torch.Tensor) -> torch.Tensor:
        return sigma.reshape(-1, *([1] * (like.dim() - 1))).float()

    def _evaluate(self, x_native: torch.Tensor, sigma: torch.Tensor):
        self._estimate = _as_pair(self.denoise(x_native.to(self.io_dtype), sigma))
        return self._estimate

    def _iterate(self, z, centre, warm, spread, thinking_steps, on_iteration):
        """thinking_steps model calls of Langevin dynamics from VP state z. centre(z) -> (C/A, x0) costs a call;
        warm: (C/A, x0) of the latest estimate, for a first move without a call (None: the first move calls)."""
        report = on_iteration or (lambda k, x0: None)
        if self.params.scheme == "lm":  # its exact spread needs the force at the current state: no warm start
            return self._iterate_lm(z, centre, spread, thinking_steps, report)
        s = self.schedule
        if warm is None:
            c, x0 = centre(z)
            report(0, x0)
            calls = 1
        else:
            (c, x0), calls = warm, 0
        if self.params.scheme == "ou":
            z = c + ou_step((z - c) / spread, s.full, self._randn(z)) * spread
            while calls < thinking_steps:
                c, x0 = centre(z)
                report(calls, x0)
                calls += 1
                z = c + ou_step((z - c) / spread, s.full, self._randn(z)) * spread
            return z
        v = self._randn(z)  # fresh momentum each diffusion step, v = q / sqrt(Gamma) ~ N(0, I)
        u, v = sho_step((z - c) / spread, v, s.full, self._randn(z), self._randn(z))
        z = c + u * spread
        while calls < thinking_steps:
            u, v = sho_step((z - c) / spread, v, s.half, self._randn(z), self._randn(z))
            z = c + u * spread
            c_new, x0 = centre(z)
            report(calls, x0)
            calls += 1
            v = v + s.kick * (c_new - c) / spread  # midpoint force update
            c = c_new
            u, v = sho_step((z - c) / spread, v, s.half, self._randn(z), self._randn(z))
            z = c + u * spread
        return z

    def _iterate_lm(self, z, centre, spread, thinking_steps, report):
        """Leimkuhler-Matthews steps: each noise draw is shared by two consecutive steps, the
        previous call's last draw included, so the chain runs on across diffusion steps."""
        t = self.schedule.lm
        xi = self._carried_noise
        if xi is None or xi.shape != z.shape:
            xi = self._randn(z)

        for k in range(thinking_steps):
            c, x0 = centre(z)
            report(k, x0)
            xi_new = self._randn(z)
            z = c + lm_step((z - c) / spread, t, xi, xi_new) * spread
            xi = xi_new
        self._carried_noise = xi
        return z
