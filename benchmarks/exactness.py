"""Exactness benchmark (the LanPaint paper's synthetic-data check; README, "How exact is it?"):
inpaint synthetic 2-D data with exact analytic denoisers and measure the KL divergence of the
sampled unknown coordinate to the exact conditional law.

    python -m benchmarks.exactness [--quick] [--part 2d|nd|lm|all] [--out DIR] [--samples N] [--set name=value ...]

Datasets: a correlated 2-D Gaussian (rho 0.9, y_o = 1.5) and a 25-component Gaussian mixture on
a 5 x 5 grid whose conditional x | y = y_o has five well separated modes (about 5.8 std apart)
with unequal weights. Coordinate 1 (y) is known, coordinate 0 (x) is regenerated.
Parameterisations: VE with SDXL's Karras sigmas and rectified flow (shift 3, ComfyUI's "simple"
schedule). Every method gets the same number of model calls as LanPaint with S steps and N
thinking steps, S * (N + 1) (LanPaint itself uses N fewer when early_stop = 1):

    Replace    ComfyUI's stock masked sampling (thinking_steps = 0) with S * (N + 1) Euler steps
    RePaint    per step: N times (Euler step, re-noise back to sigma_i), then the step
               (baselines.repaint with jumps of one step, N + 1 resamplings, Euler steps)
    Langevin   overdamped Langevin without BiG             (scheme "ou",  lam 0)
    BiG-OU     BiG without FLD = LanPaint-OU               (scheme "ou",  lam default)
    FLD        fast Langevin without BiG                   (scheme "sho", lam 0)
    LanPaint   the defaults (scheme "sho": Fast Langevin Dynamics, exact oscillator step)
    LanPaint-LM   overdamped Langevin, Leimkuhler-Matthews step (scheme "lm", step_size 1.5)

Metric: the moment-fitted Gaussian KL(fit || exact) for the Gaussian; for the mixture the
histogram KL(exact || samples) over bins of a third of the narrowest mode's std, with two tail
bins, the exact bin masses integrated from the conditional density and a floor of 0.5 / n_samples
on empty sample bins. The "exact-sample floor" is the KL of exact samples of the same size (finite-sample
noise level of each metric).

Many dimensions (--part nd): Gaussians of 16 and 64 dimensions with random correlation matrices
(analytic.random_correlation: "wishart" and "field" kinds, several seeds), the observation drawn
from the law itself, most coordinates known and a few regenerated, plus cases where the regenerated
block is large. Reported at 20 x 5, 10 x 5 and 20 x 2 for the defaults and for LanPaint-LM
(scheme "lm", step_size 1.5, the Leimkuhler-Matthews step): the Gaussian KL of
the regenerated block and its variance ratio, trace of the sample covariance over the exact one.
Beside them, per step count S, "last step S": exact samples of the state at the schedule's last
nonzero level followed by the sampler's last Euler step (last_step_reference) -- what thinking that
is exact at the sampler's own levels would leave; on coarse flow schedules that step alone loses
spread.

LanPaint-LM's remainder (--part lm, exactness_lm.txt): on VE, the 16-D wishart cases at 20 x 5 and
with four times the thinking (20 x 20), and at 20 x 20 the BiG strength lambda swept over 0, 2, 8
and 16 on the first: whether what LM leaves is the thinking step's (it would shrink with more
thinking) or lambda's.
"""
import argparse
import math
import os
import sys
import time
from dataclasses import dataclass
from typing import Callable

import torch

import lanpaint_core as lp
from lanpaint_core.coordinates import add_noise, alpha_bar, to_vp

from .analytic import GaussianMixture, correlated_gaussian, gaussian_denoiser, gaussian_kl, random_correlation
from .baselines.repaint import repaint

STEPS = (5, 10, 20, 50)
INNER = (0, 1, 2, 5, 10)
QUICK_STEPS = (5, 20)
QUICK_INNER = (0, 5)
SEED = 1234
METHODS = ("Replace", "RePaint", "Langevin", "BiG-OU", "FLD", "LanPaint", "LanPaint-LM")
# public-API parameters of the Langevin variants (everything else at its default)
VARIANTS = {
    "Langevin": dict(scheme="ou", lam=0.0),
    "BiG-OU": dict(scheme="ou"),
    "FLD": dict(scheme="sho", lam=0.0),
    "LanPaint": dict(),
    "LanPaint-LM": dict(scheme="lm", step_size=1.5),
}


# ----------------------------------------------------------------------------- schedules
def karras_sigmas(n: int, sigma_min: float = 0.0292, sigma_max: float = 14.6146, rho: float = 7.0):
    """k-diffusion's get_sigmas_karras with SDXL's sigma range, ending with 0."""
    ramp = torch.linspace(0, 1, n, dtype=torch.float64)
    lo, hi = sigma_min ** (1 / rho), sigma_max ** (1 / rho)
    return torch.cat([(hi + ramp * (lo - hi)) ** rho, torch.zeros(1, dtype=torch.float64)]).float()


def flow_simple_sigmas(n: int, shift: float = 3.0, timesteps: int = 1000):
    """ComfyUI's simple_scheduler on ModelSamplingDiscreteFlow(shift): the table
    t_k = shift s / (1 + (shift - 1) s), s = k / 1000 (k = 1..1000), read from the top in
    strides of 1000 / n (int-truncated), then 0. For n dividing 1000 this is the uniform s grid 1 -> 0."""
    ss = timesteps / n
    s = [(timesteps - int(x * ss)) / timesteps for x in range(n)]
    t = [shift * v / (1 + (shift - 1) * v) for v in s]
    return torch.tensor(t + [0.0], dtype=torch.float64).float()


# ----------------------------------------------------------------------------- denoisers
def fast_denoiser(gmm: GaussianMixture, flow: bool, calls: list, dtype=torch.float32):
    """E[x0 | x_t] of a 2-D mixture: the maths of GaussianMixture.denoiser, rearranged for speed
    when the batch shares one noise level (always so here). Each component's log-responsibility is
    a quadratic form in the VP state and its posterior mean is affine in it, so with features
    f = (1, x0, x1, x0^2, x0 x1, x1^2) one call is two small matmuls and a softmax. Coefficients
    are built in float64; the per-sample work runs in `dtype` (float32: 2.3x faster, within
    ~2e-6 of the float64 reference on the benchmark's data; float64: ~1e-12). calls[0] counts calls."""
    assert gmm.dim == 2
    mu, cov = gmm.means.double(), gmm.covs.double()          # [K, 2], [K, 2, 2]
    logw = torch.log(gmm.weights.double())
    eye = torch.eye(2, dtype=torch.float64)
    reference = gmm.denoiser(flow)

    def denoise(x, sigma):
        calls[0] += 1
        sig = sigma.reshape(-1)
        if not bool((sig == sig[0]).all()):
            return reference(x, sigma)
        s = sig[0].double()
        abar, one_minus = alpha_bar(s, flow)
        sa = abar.sqrt()
        prec = torch.linalg.inv(abar * cov + one_minus * eye)   # [K, 2, 2]
        a = sa * mu                                              # marginal means (VP)
        pa = torch.einsum("kde,ke->kd", prec, a)
        # log N(x; a, M) + log w = c + (P a) . x - x^T P x / 2
        w_quad = torch.stack([
            logw + 0.5 * torch.linalg.slogdet(prec)[1] - 0.5 * (a * pa).sum(1),
            pa[:, 0], pa[:, 1],
            -0.5 * prec[:, 0, 0], -prec[:, 0, 1], -0.5 * prec[:, 1, 1]])   # [6, K]
        gain = sa * cov @ prec                                   # mean_k = mu_k + G_k (x - a_k)
        offset = mu - torch.einsum("kde,ke->kd", gain, a)
        w_mean = torch.cat([offset, gain[:, :, 0], gain[:, :, 1]], 1)     # [K, 6]: (o0, o1, g00, g10, g01, g11)
        xv = to_vp(x.double(), s, flow).to(dtype)
        w_quad, w_mean = w_quad.to(dtype), w_mean.to(dtype)
        x0, x1 = xv[:, 0], xv[:, 1]
        feats = torch.stack([torch.ones_like(x0), x0, x1, x0 * x0, x0 * x1, x1 * x1], 1)
        resp = torch.softmax(feats @ w_quad, dim=1)
        c = resp @ w_mean                                        # [N, 6]
        out = torch.stack([c[:, 0] + c[:, 2] * x0 + c[:, 4] * x1,
                           c[:, 1] + c[:, 3] * x0 + c[:, 5] * x1], 1)
        return out.to(x.dtype)

    return denoise


# ----------------------------------------------------------------------------- datasets
def grid_mixture(n: int = 5, dx: float = 1.5, dy: float = 3.0, std: float = 0.3,
                 rho: float = 0.5, contrast: float = 0.5) -> GaussianMixture:
    """n x n components on a rectangular grid (column spacing dx, row spacing dy), each
    N(mu, std^2 [[1, rho], [rho, 1]]).

    Column c of the middle row (the one conditioned on) has weight exp(-contrast c), every
    other row exp(+contrast c): the conditional favours the LEFT modes, the x marginal the
    RIGHT ones, so a sampler that conditions on y too late gets the mode weights wrong. Rows
    are further apart than columns, so y is resolved (sigma < dy / 2) while the x modes are
    still merged -- a sampler that equilibrates there can get the weights right.
    """
    gx = (torch.arange(n, dtype=torch.float64) - (n - 1) / 2) * dx
    gy = (torch.arange(n, dtype=torch.float64) - (n - 1) / 2) * dy
    col, row = torch.meshgrid(torch.arange(n), torch.arange(n), indexing="ij")
    col, row = col.flatten(), row.flatten()
    means = torch.stack([gx[col], gy[row]], 1)
    w = torch.exp(torch.where(row == (n - 1) // 2, -contrast, contrast) * col.double())
    cov = torch.tensor([[1.0, rho], [rho, 1.0]], dtype=torch.float64) * std**2
    return GaussianMixture(w / w.sum(), means, cov.expand(n * n, 2, 2).clone())


@dataclass
class Problem:
    name: str
    gmm: GaussianMixture
    y_obs: float
    metric: Callable  # samples [n] -> KL

    def conditional(self) -> GaussianMixture:
        return self.gmm.conditional([1], torch.tensor([self.y_obs], dtype=torch.float64))


def histogram_kl_metric(cond: GaussianMixture, n_samples: int, sub: int = 16):
    """KL(exact || sample histogram) on fixed bins; returns metric(samples [n]) -> float."""
    keep = cond.weights > 1e-8
    mean, std = cond.means[keep, 0], cond.covs[keep, 0, 0].sqrt()
    lo, hi = float((mean - 5 * std).min()), float((mean + 5 * std).max())
    width = float(std.min()) / 3
    nb = int(math.ceil((hi - lo) / width))
    edges = lo + width * torch.arange(nb + 1, dtype=torch.float64)
    # exact bin masses: Simpson's rule on the conditional density, `sub` panels per bin
    pts = lo + (width / (2 * sub)) * torch.arange(2 * sub * nb + 1, dtype=torch.float64)
    dens = cond.log_density(pts[:, None]).exp()
    wts = torch.ones(2 * sub + 1, dtype=torch.float64)
    wts[1:-1:2], wts[2:-1:2] = 4.0, 2.0
    idx = torch.arange(nb)[:, None] * 2 * sub + torch.arange(2 * sub + 1)[None]
    inner = (dens[idx] * wts).sum(1) * width / (6 * sub)
    # tails: normal CDFs of the components
    cdf = lambda v: float((cond.weights * 0.5 * torch.erfc(-(v - cond.means[:, 0]) / (cond.covs[:, 0, 0].sqrt() * math.sqrt(2)))).sum())  # noqa: E731
    p = torch.cat([torch.tensor([cdf(lo)]), inner, torch.tensor([1 - cdf(hi)])]).clamp_min(0)
    p = p / p.sum()
    floor = 0.5 / n_samples

    def metric(x: torch.Tensor) -> float:
        x = x.double().flatten()
        b = torch.bucketize(x, edges, right=True)       # 0: below lo, nb+1: above hi
        counts = torch.bincount(b.clamp(0, nb + 1), minlength=nb + 2).double()
        q = (counts / x.numel()).clamp_min(floor)
        q = q / q.sum()
        m = p > 0
        return float((p[m] * (p[m].log() - q[m].log())).sum())

    return metric


def make_problems(n_samples: int) -> list:
    gauss = correlated_gaussian(0.9)
    cg = gauss.conditional([1], torch.tensor([1.5], dtype=torch.float64))
    gauss_metric = lambda x: gaussian_kl(x.reshape(-1, 1), cg.means[0], cg.covs[0])  # noqa: E731
    mix = grid_mixture()
    prob_mix = Problem("mixture", mix, 0.2, None)
    prob_mix.metric = histogram_kl_metric(prob_mix.conditional(), n_samples)
    return [Problem("gaussian", gauss, 1.5, gauss_metric), prob_mix]


PARAMETERISATIONS = (("VE", False, karras_sigmas), ("flow", True, flow_simple_sigmas))


# ----------------------------------------------------------------------------- many dimensions
@dataclass
class GaussianCase:
    """N(0, C) in `dim` dimensions, C = random_correlation(dim, seed, kind); `n_regen` random
    coordinates regenerated, the rest known at a value drawn from the law itself."""
    dim: int
    n_regen: int
    kind: str
    seed: int

    @property
    def name(self) -> str:
        return f"{self.dim}-D {self.kind} s{self.seed}, {self.n_regen} regen"

    def build(self):
        cov = random_correlation(self.dim, self.seed, self.kind)
        g = torch.Generator().manual_seed(self.seed + 1000)
        x_obs = torch.linalg.cholesky(cov) @ torch.randn(self.dim, generator=g, dtype=torch.float64)
        perm = torch.randperm(self.dim, generator=g)
        regen, known = perm[:self.n_regen].sort().values, perm[self.n_regen:].sort().values
        gain = torch.linalg.solve(cov[known][:, known], cov[known][:, regen]).T
        cond_mean = gain @ x_obs[known]
        cond_cov = cov[regen][:, regen] - gain @ cov[known][:, regen]
        return cov, x_obs, regen, cond_mean, cond_cov


ND_CASES = (
    GaussianCase(16, 4, "wishart", 0), GaussianCase(16, 4, "wishart", 1),
    GaussianCase(16, 4, "field", 0), GaussianCase(16, 4, "field", 1),
    GaussianCase(16, 12, "wishart", 2), GaussianCase(16, 12, "field", 2),
    GaussianCase(64, 8, "wishart", 0), GaussianCase(64, 8, "field", 0),
    GaussianCase(64, 48, "field", 1),
)
ND_BUDGETS = ((20, 5), (10, 5), (20, 2))
ND_METHODS = {"LanPaint": {}, "LanPaint-LM": dict(scheme="lm", step_size=1.5)}


def gaussian_case_problem(case: GaussianCase, flow: bool, n_samples: int, calls: list):
    """(exact denoiser counting into calls[0], latent [n, dim], mask [1, dim], regenerated indices,
    exact conditional mean and covariance) of a many-dimensional case."""
    cov, x_obs, regen, cond_mean, cond_cov = case.build()
    denoise = gaussian_denoiser(torch.zeros(case.dim, dtype=torch.float64), cov, flow, calls)
    latent = x_obs.float().expand(n_samples, -1).clone()
    latent[:, regen] = 0
    mask = torch.zeros(1, case.dim)
    mask[0, regen] = 1
    return denoise, latent, mask, regen, cond_mean, cond_cov


def run_gaussian_case(case: GaussianCase, flow: bool, steps: int, thinking_steps: int, n_samples: int,
                      seed: int = SEED, **params):
    """Inpaint the case's regenerated block; returns (KL, variance ratio, model calls)."""
    calls = [0]
    denoise, latent, mask, regen, cond_mean, cond_cov = gaussian_case_problem(case, flow, n_samples, calls)
    sigmas = flow_simple_sigmas(steps) if flow else karras_sigmas(steps)
    out = lp.inpaint(denoise, latent, mask, sigmas, flow=flow, thinking_steps=thinking_steps,
                     generator=torch.Generator().manual_seed(seed), **params)
    return gaussian_scores(out[:, regen], cond_mean, cond_cov) + (calls[0],)


def gaussian_scores(x: torch.Tensor, mean: torch.Tensor, cov: torch.Tensor):
    """(moment-fitted Gaussian KL, trace of the sample covariance / trace of cov)."""
    x = x.double()
    if not bool(torch.isfinite(x).all()):
        return float("nan"), float("nan")
    ratio = float(torch.trace(torch.cov(x.T).reshape(cov.shape)) / torch.trace(cov))
    return gaussian_kl(x, mean, cov), ratio


def gaussian_case_floor(case: GaussianCase, n_samples: int, seed: int = SEED):
    """KL and variance ratio of exact conditional samples of the same count."""
    _, _, _, mean, cov = case.build()
    z = torch.randn(n_samples, case.n_regen, generator=torch.Generator().manual_seed(seed), dtype=torch.float64)
    return gaussian_scores(mean + z @ torch.linalg.cholesky(cov).T, mean, cov)


def last_step_reference(case: GaussianCase, flow: bool, steps: int, n_samples: int, seed: int = SEED):
    """KL and variance ratio left by exact sampling at the noise levels of `steps` Euler steps.

    Thinking runs at the sampler's noise levels, so at best it leaves the exact law of the state at
    the last nonzero level: an exact conditional sample, noised there (the known coordinates too,
    as the replace step does). The sampler's last Euler step then returns the model's x0 estimate,
    the posterior mean, which lacks the posterior's spread. On VE schedules (sigma_min 0.03) that
    loss is nil; flow schedules end far from 0 (shift 3: t = 0.136 at 20 steps, 0.25 at 10)."""
    cov, x_obs, regen, mean, cond_cov = case.build()
    g = torch.Generator().manual_seed(seed)
    x0 = x_obs.expand(n_samples, -1).clone()
    z = torch.randn(n_samples, case.n_regen, generator=g, dtype=torch.float64)
    x0[:, regen] = mean + z @ torch.linalg.cholesky(cond_cov).T
    sigma = (flow_simple_sigmas(steps) if flow else karras_sigmas(steps))[-2].double()
    x = add_noise(x0, torch.randn(x0.shape, generator=g, dtype=torch.float64), sigma, flow)
    denoise = gaussian_denoiser(torch.zeros(case.dim, dtype=torch.float64), cov, flow, [0])
    return gaussian_scores(denoise(x, sigma.expand(n_samples))[:, regen], mean, cond_cov)


def many_dims(n_samples: int, emit, overrides: dict, cases=ND_CASES, budgets=ND_BUDGETS) -> dict:
    """Print one table per parameterisation; returns {(case, param, S, N, method): (kl, ratio)} and
    {(case, param, S, "last step"): (kl, ratio)}."""
    res = {}
    methods = {m: dict(overrides, **kw) for m, kw in ND_METHODS.items()}
    for pname, flow, _ in PARAMETERISATIONS:
        t0 = time.perf_counter()
        emit()
        emit(f"== many dimensions / {pname}: KL / variance ratio ({n_samples} samples, seed {SEED}) ==")
        emit("floor: KL / ratio of exact samples of the same count; its mean is about k (k + 3) / (4 n) "
             "for k regenerated coordinates, n samples")
        emit("last step S: exact samples at the last level of S steps, then the sampler's last Euler step "
             "(exact thinking at the sampler's levels; last_step_reference)")
        heads = []
        for j, (S, N) in enumerate(budgets):
            if S not in [b[0] for b in budgets[:j]]:  # one reference per step count
                heads.append(f"last step {S}")
            heads += [f"{m} {S}x{N}" for m in methods]
        emit(f"{'case':<28} {'floor':>13} " + " ".join(f"{h:>20}" for h in heads))
        for case in cases:
            fl = gaussian_case_floor(case, n_samples)
            cells = []
            for j, (S, N) in enumerate(budgets):
                if S not in [b[0] for b in budgets[:j]]:
                    kl, ratio = last_step_reference(case, flow, S, n_samples)
                    res[(case.name, pname, S, "last step")] = (kl, ratio)
                    cells.append(f"{fmt(kl)} / {ratio:.3f}")
                for m, kw in methods.items():
                    kl, ratio, _ = run_gaussian_case(case, flow, S, N, n_samples, **kw)
                    res[(case.name, pname, S, N, m)] = (kl, ratio)
                    cells.append(f"{fmt(kl)} / {ratio:.3f}")
            emit(f"{case.name:<28} {fmt(fl[0])} / {fl[1]:.3f} " + " ".join(f"{c:>20}" for c in cells))
        emit(f"({time.perf_counter() - t0:.0f} s)")
    return res


LM_CASES = (GaussianCase(16, 4, "wishart", 0), GaussianCase(16, 12, "wishart", 2))
LM_BUDGETS = ((20, 5), (20, 20))
LM_LAMBDAS = (0.0, 2.0, 8.0, 16.0)


def lm_remainder(n_samples: int, emit, overrides: dict) -> dict:
    """LanPaint-LM on VE: more thinking (LM_BUDGETS) and lambda (LM_LAMBDAS at the last budget);
    returns {(case, S, N, lam): (kl, ratio)}."""
    res = {}
    lm = dict(overrides, **ND_METHODS["LanPaint-LM"])
    lam_default = lp.LanPaintParams(**lm).lam
    t0 = time.perf_counter()
    emit()
    emit(f"== LanPaint-LM on VE: KL / variance ratio ({n_samples} samples, seed {SEED}), more thinking, then "
         f"lambda at {LM_BUDGETS[-1][0]} x {LM_BUDGETS[-1][1]} ==")
    emit(f"{'case':<28} {'floor':>13} " + " ".join(f"{f'{S}x{N} lam {lam_default:g}':>20}" for S, N in LM_BUDGETS))
    for case in LM_CASES:
        fl = gaussian_case_floor(case, n_samples)
        cells = []
        for S, N in LM_BUDGETS:
            kl, ratio, _ = run_gaussian_case(case, False, S, N, n_samples, **lm)
            res[(case.name, S, N, lam_default)] = (kl, ratio)
            cells.append(f"{fmt(kl)} / {ratio:.3f}")
        emit(f"{case.name:<28} {fmt(fl[0])} / {fl[1]:.3f} " + " ".join(f"{c:>20}" for c in cells))
    S, N = LM_BUDGETS[-1]
    case = LM_CASES[0]
    emit(f"{'lambda (' + case.name + f', {S}x{N})':<42} " + " ".join(f"{f'lam {lam:g}':>16}" for lam in LM_LAMBDAS))
    cells = []
    for lam in LM_LAMBDAS:
        kl, ratio, _ = run_gaussian_case(case, False, S, N, n_samples, **dict(lm, lam=lam))
        res[(case.name, S, N, lam)] = (kl, ratio)
        cells.append(f"{fmt(kl)} / {ratio:.3f}")
    emit(f"{'':<42} " + " ".join(f"{c:>16}" for c in cells))
    emit(f"({time.perf_counter() - t0:.0f} s)")
    return res


# ----------------------------------------------------------------------------- samplers
def run_one(problem: Problem, flow: bool, schedule, method: str, steps: int, thinking_steps: int,
            n_samples: int, seed: int = SEED, **params):
    """Sample x | y_o once; returns (kl, model calls, seconds, samples)."""
    calls = [0]
    denoise = fast_denoiser(problem.gmm, flow, calls)
    latent = torch.zeros(n_samples, 2)
    latent[:, 1] = problem.y_obs
    mask = torch.tensor([[1.0, 0.0]])
    gen = torch.Generator().manual_seed(seed)
    t0 = time.perf_counter()
    if method == "Replace":
        out = lp.inpaint(denoise, latent, mask, schedule(steps * (thinking_steps + 1)), flow=flow,
                         thinking_steps=0, generator=gen)
    elif method == "RePaint":
        out = repaint(denoise, latent, mask, schedule(steps), flow=flow, jump=1, resample=thinking_steps + 1,
                      ancestral=False, generator=gen)
    else:
        kw = dict(params)
        kw.update(VARIANTS[method])
        out = lp.inpaint(denoise, latent, mask, schedule(steps), flow=flow, thinking_steps=thinking_steps,
                         generator=gen, **kw)
    secs = time.perf_counter() - t0
    if not bool(torch.equal(out[:, 1], latent[:, 1])):
        raise AssertionError(f"{method}: known coordinate changed")
    x = out[:, 0]
    if not bool(torch.isfinite(x).all()):
        return float("nan"), calls[0], secs, x
    return problem.metric(x), calls[0], secs, x


def exact_floor(problem: Problem, n_samples: int, seed: int = SEED) -> float:
    """The metric on exact conditional samples of the same size (finite-sample noise)."""
    cond = problem.conditional()
    return problem.metric(cond.sample(n_samples, torch.Generator().manual_seed(seed))[:, 0])


# ----------------------------------------------------------------------------- main
def parse_overrides(items) -> dict:
    out = {}
    for item in items:
        name, value = item.split("=", 1)
        out[name] = value if name == "scheme" else int(value) if name == "early_stop" else float(value)
    lp.LanPaintParams(**out)  # validate
    return out


def fmt(v: float) -> str:
    return "   nan" if v != v else (f"{v:.4f}" if v < 10 else f"{v:.1f}")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true", help="a small subset (~1 min)")
    ap.add_argument("--part", choices=("2d", "nd", "lm", "all"), default="all",
                    help="2-D Gaussian and mixture grids, many-dimensional Gaussians, or both; lm: LanPaint-LM's "
                         "remainder on VE (more thinking, lambda)")
    ap.add_argument("--out", default=os.path.join(os.path.dirname(__file__), "results"))
    ap.add_argument("--samples", type=int, default=None, help="samples per run (default 20000, quick 5000)")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--set", nargs="*", default=[], metavar="NAME=VALUE",
                    help="override LanPaint parameters for the Langevin methods, e.g. step_size=1.0 "
                         "(the methods' own scheme / lam = 0 still win)")
    args = ap.parse_args(argv)
    overrides = parse_overrides(args.set)
    torch.set_num_threads(args.threads)
    n = args.samples or (5000 if args.quick else 20000)
    steps_grid, inner_grid = (QUICK_STEPS, QUICK_INNER) if args.quick else (STEPS, INNER)
    os.makedirs(args.out, exist_ok=True)
    lines = []

    def emit(s=""):
        print(s, flush=True)
        lines.append(s)

    emit(f"LanPaint exactness benchmark: {n} samples/run, seed {SEED}, parameters "
         f"{lp.LanPaintParams(**overrides)}")
    t_start = time.perf_counter()
    if args.part in ("2d", "all"):
        two_dims(n, steps_grid, inner_grid, emit, overrides, args.out)
    if args.part in ("nd", "all"):
        many_dims(n, emit, overrides, budgets=ND_BUDGETS[:1] if args.quick else ND_BUDGETS,
                  cases=ND_CASES[:2] if args.quick else ND_CASES)
    if args.part == "lm":
        lm_remainder(n, emit, overrides)
    emit()
    emit(f"total {time.perf_counter() - t_start:.0f} s")
    name = {"2d": "exactness.txt", "nd": "exactness_nd.txt", "lm": "exactness_lm.txt",
            "all": "exactness.txt"}[args.part]
    with open(os.path.join(args.out, name), "w") as f:
        f.write("\n".join(lines) + "\n")
    print(f"wrote {args.out}/{name}")


def two_dims(n, steps_grid, inner_grid, emit, overrides, out_dir):
    """The 2-D Gaussian and mixture grids against the other methods; writes exactness.png."""
    problems = make_problems(n)
    emit("KL to the exact conditional of x | y_o (Gaussian: moment-fitted; mixture: histogram). "
         "calls = model calls of LanPaint (others within +N).")
    results = {}  # (problem, param) -> {(S, N, method): (kl, calls)}
    floors = {}
    for prob in problems:
        floor = floors[prob.name] = exact_floor(prob, n)
        for pname, flow, sched in PARAMETERISATIONS:
            res = results.setdefault((prob.name, pname), {})
            t_panel = time.perf_counter()
            emit()
            emit(f"== {prob.name} / {pname} (y_o = {prob.y_obs}; exact-sample floor {floor:.4f}) ==")
            emit(f"{'S':>3} {'N':>3} {'calls':>6} " + " ".join(f"{m:>12}" for m in METHODS))
            for S in steps_grid:
                for N in inner_grid:
                    row = {}
                    for m in METHODS:
                        if N == 0 and m != "Replace":
                            row[m] = row["Replace"]  # every method is Replace without thinking steps
                        else:
                            kl, calls, _, _ = run_one(prob, flow, sched, m, S, N, n, **overrides)
                            row[m] = (kl, calls)
                        res[(S, N, m)] = row[m]
                    emit(f"{S:>3} {N:>3} {row['LanPaint'][1]:>6} "
                         + " ".join(f"{fmt(row[m][0]):>12}" for m in METHODS))
            emit(f"({time.perf_counter() - t_panel:.0f} s)")
    plot(results, steps_grid, inner_grid, os.path.join(out_dir, "exactness.png"), floors)


def plot(results, steps_grid, inner_grid, path, floors=None):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    floors = floors or {}

    keys = list(results)
    ncol = 2 if len(keys) > 2 else len(keys)
    nrow = (len(keys) + ncol - 1) // ncol
    fig, axes = plt.subplots(nrow, ncol, figsize=(5.5 * ncol, 4.3 * nrow), squeeze=False)
    axes = axes.reshape(1, -1)
    colours = dict(zip(METHODS, plt.rcParams["axes.prop_cycle"].by_key()["color"]))
    n_fix = 5 if 5 in inner_grid else max(inner_grid)
    s_fix = 20 if 20 in steps_grid else max(steps_grid)
    for ax, key in zip(axes[0], keys):
        res = results[key]
        for m in METHODS:
            if m == "Replace":  # Replace with S (N + 1) steps: one curve over all budgets
                pts = sorted({(c, kl) for (S, N, mm), (kl, c) in res.items() if mm == m})
                ax.plot(*zip(*pts), "o-", color=colours[m], ms=3, label=m)
                continue
            a = sorted((res[(S, n_fix, m)][1], res[(S, n_fix, m)][0]) for S in steps_grid)
            b = sorted((res[(s_fix, N, m)][1], res[(s_fix, N, m)][0]) for N in inner_grid if N > 0)
            ax.plot(*zip(*a), "o-", color=colours[m], ms=3, label=m)
            ax.plot(*zip(*b), "s:", color=colours[m], ms=3)
        ax.axhline(0.01, color="grey", lw=0.8, ls="--")
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel("model calls")
        ax.set_ylabel("KL to exact conditional")
        ax.set_title(f"{key[0]} / {key[1]} (exact-sample floor {floors.get(key[0], 0):.4f})")
        ax.grid(True, which="both", alpha=0.2)
    axes[0][0].legend(fontsize=8, title=f"solid: N={n_fix}, S varies\ndotted: S={s_fix}, N varies",
                      title_fontsize=7)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


if __name__ == "__main__":
    sys.exit(main())
