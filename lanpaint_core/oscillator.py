"""Transitions of the Langevin dynamics used by the inner solver.

With the score split as s(z) = C - A z and C frozen over a step, each coordinate obeys
    dz = q dt,  dq = Gamma (-q dt + (C - A z) dt + sqrt(2) dW)            (FLD)
or, in the overdamped limit,
    dz = (C - A z) dt + sqrt(2) dW                                          (OU)
Both have closed-form Gaussian transitions. We work in scaled variables
    u = sqrt(A) (z - C/A),   v = q / sqrt(Gamma),
in which the stationary law is N(0, I) and the transition depends only on the
dimensionless step a = A h and friction ratio r = Gamma / A. The schedule keeps a and r
constant over diffusion time, so the coefficients are plain numbers computed once, in float64,
with series or rearranged forms wherever the textbook formula cancels or overflows.

The "lm" scheme is the Leimkuhler-Matthews step of overdamped Langevin,
    u <- (1 - b) u + sqrt(b / 2) (xi_prev + xi_new),
whose noise is shared by consecutive steps (each draw enters two steps with half weight). Its
stationary variance is exact for every linear force and every stable step 0 < b < 2, which the
frozen-force steps above are not once the force depends on the state (see lm_step).
"""
import math
from dataclasses import dataclass

import torch


@dataclass(frozen=True)
class OscillatorTransition:
    """(u, v) <- E (u, v) + L xi with E = [[e11, e12], [e21, e22]], L lower-triangular."""

    e11: float
    e12: float
    e21: float
    e22: float
    l11: float
    l21: float
    l22: float


def _damped_propagator(a: float, r: float) -> tuple[float, float]:
    """Return (P, Q) = e^{-g} (c, s/omega) for the oscillator with A = 1, Gamma = r, h = a.

    g = Gamma h / 2; (c, s) = (cosh, sinh) or (cos, sin) of omega h, omega = (Gamma/2) sqrt|1 - 4/r|.
    """
    g = r * a / 2
    disc = 1 - 4 / r
    k = math.sqrt(abs(disc))
    wh = g * k
    if wh < 1e-6:  # near-critical damping: series in (omega h)^2
        sign = 1.0 if disc >= 0 else -1.0
        return math.exp(-g) * (1 + sign * wh**2 / 2), math.exp(-g) * a * (1 + sign * wh**2 / 6)
    if disc > 0:
        # e^{-g} cosh(gk) = (e^{-g(1-k)} + e^{-g(1+k)}) / 2, with g (1 - k) = 2a / (1 + k)
        slow = math.exp(-2 * a / (1 + k))
        fast_ratio = math.exp(-2 * wh)
        p = slow * (1 + fast_ratio) / 2
        q = slow * -math.expm1(-2 * wh) / (r * k)
        return p, q
    return math.exp(-g) * math.cos(wh), math.exp(-g) * math.sin(wh) / (r * k / 2)


def _cholesky2(c11: float, c12: float, c22: float) -> tuple[float, float, float]:
    """Cholesky factor of a 2x2 covariance, clamping round-off so no variance goes negative."""
    l11 = math.sqrt(max(c11, 0.0))
    l21 = c12 / l11 if l11 > 1e-150 else 0.0
    l21 = max(-math.sqrt(max(c22, 0.0)), min(l21, math.sqrt(max(c22, 0.0))))
    l22 = math.sqrt(max(c22 - l21 * l21, 0.0))
    return l11, l21, l22


def sho_transition(a: float, r: float) -> OscillatorTransition:
    """Exact transition of the stochastic harmonic oscillator over dimensionless step a."""
    p, q = _damped_propagator(a, r)
    e11 = p + r / 2 * q
    e12 = math.sqrt(r) * q
    e21 = -e12
    e22 = p - r / 2 * q
    # Sigma(h) = I - E E^T in scaled variables (Sigma_inf = I).
    c11 = 1 - e11 * e11 - e12 * e12
    c12 = -(e11 * e21 + e12 * e22)
    c22 = 1 - e21 * e21 - e22 * e22
    return OscillatorTransition(e11, e12, e21, e22, *_cholesky2(c11, c12, c22))


def ou_transition(a: float) -> OscillatorTransition:
    """Exact overdamped (Ornstein-Uhlenbeck) transition; the momentum row is unused."""
    return OscillatorTransition(math.exp(-a), 0.0, 0.0, 0.0, math.sqrt(-math.expm1(-2 * a)), 0.0, 0.0)


def sho_step(u: torch.Tensor, v: torch.Tensor, t, xi_u: torch.Tensor, xi_v: torch.Tensor):
    """Apply a transition whose coefficients `t` are numbers or tensors broadcastable to u."""
    u_new = t.e11 * u + t.e12 * v + t.l11 * xi_u
    v_new = t.e21 * u + t.e22 * v + t.l21 * xi_u + t.l22 * xi_v
    return u_new, v_new


def ou_step(u: torch.Tensor, t, xi: torch.Tensor) -> torch.Tensor:
    return t.e11 * u + t.l11 * xi


@dataclass(frozen=True)
class LeimkuhlerMatthewsStep:
    """u <- decay * u + half * (xi_prev + xi_new)."""

    decay: float
    half: float


def lm_euler(b: float) -> LeimkuhlerMatthewsStep:
    """Euler drift over b units of 1/A (stable for 0 < b < 2)."""
    return LeimkuhlerMatthewsStep(1 - b, math.sqrt(b / 2))


def lm_exponential(a: float) -> LeimkuhlerMatthewsStep:
    """Exact drift of the frozen force over a (effective Euler step b = 1 - e^{-a} < 1); for stiff regions."""
    b = -math.expm1(-a)
    return LeimkuhlerMatthewsStep(1 - b, math.sqrt(b / 2))


def lm_step(u: torch.Tensor, t, xi_prev: torch.Tensor, xi_new: torch.Tensor) -> torch.Tensor:
    """One LM step in scaled variables, u = sqrt(A) (z - C/A) with C frozen at u's own state.

    For a linear score with curvature p A (0 < p <= 1) the chain is u_{n+1} = m u_n + s (xi_n +
    xi_{n+1}) with m = 1 - b p, s^2 = b / 2, whose stationary variance is 2 s^2 / (1 - m) = 1 / p:
    exact, whatever b and p. The frozen-force OU step instead has (1 + e^{-a}) / (2 - b p) / p.
    """
    return t.decay * u + t.half * (xi_prev + xi_new)
