"""Analytic Gaussian models: exact denoisers mounted in real ComfyUI BaseModels.

``analytic_gaussian_model`` plugs a module returning the exact prediction for a Gaussian data
distribution N(mean, Sigma) over one latent into a real ``BaseModel`` (EPS, V-prediction or
CONST/flow sampling), so the host's own calculate_input / calculate_denoised / noise_scaling run
unchanged; ``analytic_euler_reference`` replays the host's Euler sampler on it in float64 and
``gaussian_fit_stats`` measures samples against the exact law.

``analytic_field_model`` mounts a Gaussian random field (``GaussianField``) over a 2-D latent whose
denoiser is exact for ANY window of the latent -- so a sampler that hands the model only a crop
gets the exact denoiser of what it handed over, and the price of the crop is the far context it
drops. Law (per channel, channels independent, zero mean, unit marginal variance) over an h x w grid:

    Sigma_hw = (1 - nugget) K_h (x) K_w + nugget I,    K_n[i, j] = exp(-(i - j)^2 / (2 l^2))

a squared-exponential correlation of length l latent pixels along rows and along columns
(separable, stationary) plus a small white "nugget" that keeps the exact conditionals well posed.
Stationarity makes every h x w window of a larger latent N(0, Sigma_hw) too.

Denoiser: for x = alpha x0 + s n (n ~ N(0, I)), with K_h = U_h diag(a) U_h^T, K_w = U_w diag(b) U_w^T,

    E[x0 | x] = U_h (G * (U_h^T x U_w)) U_w^T,   G[i, j] = alpha lam_ij / (alpha^2 lam_ij + s^2),
    lam_ij = (1 - nugget) a_i b_j + nugget,

two 1-D eigendecompositions of the window's sides (cached by size) and four small matmuls.

The video counterparts (per-token timesteps, audio+video latents) are in video_models.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache
from typing import Optional, Sequence

import torch

from .comfy_env import load_comfy
from .tiny_models import make_patcher

__all__ = [
    "GaussianConditional", "GaussianData", "correlated_covariance", "AnalyticGaussianNet",
    "analytic_gaussian_model", "mount_analytic_net", "analytic_data", "analytic_conds",
    "analytic_euler_reference", "gaussian_fit_stats",
    "GaussianField", "analytic_field_model", "gaussian_mean_kl", "exact_gaussian_kl",
]


@dataclass
class GaussianConditional:
    """Exact conditional of the masked (regenerated) elements given the kept ones.

    mean: latent-shaped [C,H,W]; kept positions hold the known values, regenerated positions
          the conditional mean.
    std:  latent-shaped [C,H,W]; sqrt of the conditional variances (0 on kept positions).
    cov:  [k,k] conditional covariance of the k regenerated elements, in the order of ``idx``.
    idx:  [k] flat indices (into latent.flatten()) of the regenerated elements.
    """
    mean: torch.Tensor
    std: torch.Tensor
    cov: torch.Tensor
    idx: torch.Tensor


class GaussianData:
    """x0 ~ N(mean, cov) over one flattened latent of shape ``shape`` (float64 internally).

    Independent when built with ``std`` (cov = diag(std^2)); otherwise a full covariance.
    """

    def __init__(self, mean: torch.Tensor, std: Optional[torch.Tensor] = None,
                 cov: Optional[torch.Tensor] = None):
        mean = torch.as_tensor(mean, dtype=torch.float64)
        self.shape = tuple(mean.shape)
        self.d = mean.numel()
        self.mean = mean
        if cov is None:
            if std is None:
                raise ValueError("give std or cov")
            std = torch.as_tensor(std, dtype=torch.float64).expand(self.shape).clone()
            self.var = std.flatten() ** 2
            self.cov = torch.diag(self.var)
            self.independent = True
            self._evals = self.var
            self._evecs = None
        else:
            cov = torch.as_tensor(cov, dtype=torch.float64)
            if cov.shape != (self.d, self.d):
                raise ValueError("cov must be [d,d] with d = mean.numel() = %d" % self.d)
            cov = 0.5 * (cov + cov.T)
            self.cov = cov
            self.var = torch.diagonal(cov).clone()
            evals, evecs = torch.linalg.eigh(cov)
            if evals.min() <= 0:
                raise ValueError("cov must be positive definite")
            self._evals, self._evecs = evals, evecs
            self.independent = False

    @property
    def std(self) -> torch.Tensor:
        return self.var.sqrt().reshape(self.shape)

    def sample(self, n: int, generator: Optional[torch.Generator] = None) -> torch.Tensor:
        z = torch.randn(n, self.d, generator=generator, dtype=torch.float64)
        if self.independent:
            x = z * self.var.sqrt()
        else:
            x = (z * self._evals.sqrt()) @ self._evecs.T
        return (x + self.mean.flatten()).reshape((n,) + self.shape)

    def posterior_mean(self, x: torch.Tensor, alpha: torch.Tensor, s: torch.Tensor) -> torch.Tensor:
        """E[x0 | x] for x = alpha*x0 + s*n, n ~ N(0, I); alpha, s per batch item ([B])."""
        B = x.shape[0]
        xf = x.reshape(B, -1).to(torch.float64)
        a = alpha.reshape(B, 1).to(torch.float64)
        s2 = (s.reshape(B, 1).to(torch.float64)) ** 2
        mu = self.mean.flatten().to(xf.device)
        lam = self._evals.to(xf.device)
        r = xf - a * mu
        gain = a * lam / (a * a * lam + s2)            # [B, d] eigen-space gain
        if self.independent:
            out = mu + gain * r
        else:
            U = self._evecs.to(xf.device)
            out = mu + ((r @ U) * gain) @ U.T
        return out.reshape(x.shape)

    def exact_conditional(self, known_values: torch.Tensor, mask: torch.Tensor) -> GaussianConditional:
        """Conditional of elements where mask == 1 (regenerated) given known_values elsewhere.

        known_values: latent [C,H,W] (or [1,C,H,W]); mask broadcastable to it ([H,W], [1,H,W],
        [C,H,W]), binary, 1 = regenerate.
        """
        kv = torch.as_tensor(known_values, dtype=torch.float64).reshape(self.shape)
        m = torch.as_tensor(mask, dtype=torch.float64)
        while m.ndim > len(self.shape):
            m = m[0]
        m = m.expand(self.shape)
        if not torch.all((m == 0) | (m == 1)):
            raise ValueError("mask must be binary")
        mf = m.flatten().bool()
        u = torch.nonzero(mf).flatten()
        k = torch.nonzero(~mf).flatten()
        mu = self.mean.flatten()
        S = self.cov
        S_uu, S_uk, S_kk = S[u][:, u], S[u][:, k], S[k][:, k]
        if k.numel() > 0:
            sol = torch.linalg.solve(S_kk, torch.cat([(kv.flatten()[k] - mu[k])[:, None], S_uk.T], 1))
            cmean = mu[u] + S_uk @ sol[:, 0]
            ccov = S_uu - S_uk @ sol[:, 1:]
        else:
            cmean, ccov = mu[u].clone(), S_uu.clone()
        ccov = 0.5 * (ccov + ccov.T)
        full_mean = kv.flatten().clone()
        full_mean[u] = cmean
        full_std = torch.zeros(self.d, dtype=torch.float64)
        full_std[u] = torch.diagonal(ccov).clamp_min(0).sqrt()
        return GaussianConditional(full_mean.reshape(self.shape), full_std.reshape(self.shape), ccov, u)


def correlated_covariance(shape: Sequence[int], std=0.8, length_scale: float = 1.5,
                          channel_corr: float = 0.5, jitter: float = 0.05) -> torch.Tensor:
    """A PD covariance over a [C,H,W] latent: std_i std_j * K_chan ⊗ K_rbf(space) (+ jitter).

    K_chan has 1 on the diagonal and channel_corr elsewhere; K_rbf(p,q) = exp(-|p-q|^2/(2 l^2)).
    ``std`` may be a scalar or a [C,H,W] tensor (marginal stds, up to the jitter).
    """
    C, H, W = shape
    kc = torch.full((C, C), float(channel_corr), dtype=torch.float64)
    kc.fill_diagonal_(1.0)
    yy, xx = torch.meshgrid(torch.arange(H, dtype=torch.float64), torch.arange(W, dtype=torch.float64),
                            indexing="ij")
    pos = torch.stack([yy.flatten(), xx.flatten()], 1)
    d2 = torch.cdist(pos, pos) ** 2
    ks = torch.exp(-d2 / (2 * length_scale ** 2))
    K = torch.kron(kc, ks)
    K = (1 - jitter) * K + jitter * torch.eye(C * H * W, dtype=torch.float64)
    sd = torch.as_tensor(std, dtype=torch.float64).expand(C, H, W).flatten()
    return K * sd[:, None] * sd[None, :]


class AnalyticGaussianNet(torch.nn.Module):
    """diffusion_model returning the exact prediction of the owning BaseModel's parameterisation.

    Inverts the host's own model_sampling: x = xc / calculate_input(sigma, 1); the forward
    process coefficients come from noise_scaling (x_t = alpha x0 + s n); the returned output o
    solves calculate_denoised(sigma, o, x) == E[x0 | x_t] (calculate_denoised is affine in o).
    Works for EPS, V_PREDICTION and CONST, and with model_sampling object patches
    (e.g. ModelSamplingSD3 shift), since it reads the owner's model_sampling at call time.
    """

    def __init__(self, data: GaussianData):
        super().__init__()
        self.data = data
        self.dtype = torch.float32
        self._owner = []          # the BaseModel, kept out of the module tree
        self.calls = 0            # number of forward calls (handy for tests)
        self.register_buffer("_dummy", torch.zeros(1))

    def exact_conditional(self, known_values, mask):
        return self.data.exact_conditional(known_values, mask)

    def forward(self, xc, t, context=None, transformer_options={}, **kwargs):
        self.calls += 1
        owner = self._owner[0]
        ms = owner.model_sampling
        B = xc.shape[0]
        sig = transformer_options.get("sigmas", None) if transformer_options else None
        if sig is not None and sig.numel() > 0 and B % sig.shape[0] == 0:
            sigma = sig.reshape(-1).repeat(B // sig.shape[0]).to(xc.device, torch.float32)
        else:
            sigma = ms.sigma(t.reshape(-1).float()).to(xc.device, torch.float32)
            if sigma.numel() == 1:
                sigma = sigma.expand(B)
        one = torch.ones((B, 1, 1, 1), dtype=torch.float32, device=xc.device)
        zero = torch.zeros_like(one)
        sig4 = sigma.reshape(B)
        x = xc.float() / ms.calculate_input(sig4, one.clone())
        s = ms.noise_scaling(sig4, one.clone(), zero.clone())             # coefficient of noise
        alpha = ms.noise_scaling(sig4, zero.clone(), one.clone())         # coefficient of x0
        den = self.data.posterior_mean(x, alpha.reshape(B), s.reshape(B)).to(torch.float64)
        a = ms.calculate_denoised(sig4, zero.expand_as(x).clone(), x).double()
        b = ms.calculate_denoised(sig4, one.expand_as(x).clone(), x).double() - a
        return ((den - a) / b).to(xc.dtype)


def analytic_gaussian_model(mean, std=None, flow: bool = False, *, cov=None, shift: float = 3.0,
                            v_pred: bool = False, multiplier: float = 1000.0):
    """ModelPatcher of a real BaseModel whose prediction is exact for x0 ~ N(mean, cov).

    mean: [C,H,W] tensor (one latent); std: scalar or [C,H,W] (independent) or cov: [d,d].
    flow=False: EPS (ModelSamplingDiscrete, SD1/SDXL schedule); v_pred=True: V_PREDICTION;
    flow=True: FLOW / CONST with ModelSamplingDiscreteFlow(shift, multiplier) like SD3.
    Latent format is the identity (scale 1, no shift), so latents are model-space values.
    Data object: ``analytic_data(patcher)`` (GaussianData with exact_conditional()).
    Conditioning: ``analytic_conds()`` (the prediction ignores it).
    """
    data = GaussianData(mean, std=std, cov=cov)
    return mount_analytic_net(AnalyticGaussianNet(data), data.shape[0], flow=flow, shift=shift, v_pred=v_pred,
                              multiplier=multiplier)


def mount_analytic_net(net, channels: int, *, flow: bool = False, shift: float = 3.0, v_pred: bool = False,
                       multiplier: float = 1000.0):
    """ModelPatcher of a real BaseModel (identity latent format of `channels`; EPS, V_PREDICTION or
    FLOW / CONST with ModelSamplingDiscreteFlow(shift, multiplier)) whose diffusion model is `net`."""
    env = load_comfy()
    ModelType = env.model_base.ModelType

    class _Latent(env.latent_formats.LatentFormat):
        latent_channels = channels

    class _Config(env.supported_models_base.BASE):
        unet_config = {"disable_unet_model_creation": True}
        unet_extra_config = {}
        latent_format = _Latent
        sampling_settings = {"shift": shift, "multiplier": multiplier} if flow else {}
        memory_usage_factor = 1.0

    cfg = _Config({"disable_unet_model_creation": True, "in_channels": channels})
    cfg.set_inference_dtype(torch.float32, None)
    mtype = ModelType.FLOW if flow else (ModelType.V_PREDICTION if v_pred else ModelType.EPS)
    model = env.model_base.BaseModel(cfg, model_type=mtype)
    model.diffusion_model = net
    net._owner.append(model)
    model.eval()
    return make_patcher(model)


def analytic_data(patcher) -> GaussianData:
    return patcher.model.diffusion_model.data


def analytic_conds():
    """(positive, negative) for analytic models: [[zeros [1,1,8], {}]] each."""
    return [[torch.zeros(1, 1, 8), {}]], [[torch.zeros(1, 1, 8), {}]]


@torch.no_grad()
def analytic_euler_reference(patcher, noise: torch.Tensor, sigmas: torch.Tensor,
                             latent: Optional[torch.Tensor] = None) -> torch.Tensor:
    """Float64 replica of ComfyUI's unmasked KSampler 'euler' run on an analytic model.

    noise: the raw N(0,1) noise (comfy.sample.prepare_noise(latent, seed)); latent: the input
    latent (zeros if None). Returns the final latent (identity latent format assumed).
    """
    ms = patcher.get_model_object("model_sampling")
    data = analytic_data(patcher)
    sig = sigmas.double()
    lat = torch.zeros_like(noise) if latent is None else latent
    max_denoise = math.isclose(float(ms.sigma_max), float(sig[0]), rel_tol=1e-05) or float(sig[0]) > float(ms.sigma_max)
    x = ms.noise_scaling(sig[0].float(), noise.clone().float(), lat.float(), max_denoise).double()
    B = x.shape[0]
    for i in range(len(sig) - 1):
        s = sig[i].float().expand(B)
        one = torch.ones(B, 1, 1, 1)
        sc = ms.noise_scaling(s, one.clone(), torch.zeros_like(one)).double().reshape(B)
        al = ms.noise_scaling(s, torch.zeros_like(one), one.clone()).double().reshape(B)
        den = data.posterior_mean(x, al, sc)
        d = (x - den) / sig[i]
        x = x + d * (sig[i + 1] - sig[i])
    return ms.inverse_noise_scaling(sig[-1].float(), x.float())


def gaussian_fit_stats(samples: torch.Tensor, mean: torch.Tensor, std: torch.Tensor) -> dict:
    """Per-element fit of samples [N, ...] to independent N(mean, std^2) targets.

    Returns n, max_abs_z and mean_z2 of the standardized sample means (z = (m - mean)/(std/sqrt N)),
    std_ratio_mean / std_ratio_min / std_ratio_max of sample std / std, and the tolerances
    (ok_*) at which a correct sampler fails with negligible probability for these sizes:
    max|z| < 4.5, mean z^2 < 1 + 6 sqrt(2/E), |mean ratio - 1| < 4 sqrt(1/(2 N E)) + 0.01,
    max |ratio - 1| < 4.5 sqrt(1/(2N)) + 0.01 (0.01 allows a 2nd-order sampler's bias).
    """
    s = samples.double()
    n = s.shape[0]
    mean = torch.as_tensor(mean, dtype=torch.float64).expand(s.shape[1:])
    std = torch.as_tensor(std, dtype=torch.float64).expand(s.shape[1:])
    e = mean.numel()
    z = (s.mean(0) - mean) / (std / math.sqrt(n))
    r = s.std(0) / std
    out = {
        "n": n, "max_abs_z": z.abs().max().item(), "mean_z2": (z ** 2).mean().item(),
        "std_ratio_mean": r.mean().item(), "std_ratio_min": r.min().item(), "std_ratio_max": r.max().item(),
    }
    out["ok_mean"] = out["max_abs_z"] < 4.5 and out["mean_z2"] < 1 + 6 * math.sqrt(2 / e)
    out["ok_std"] = (abs(out["std_ratio_mean"] - 1) < 4 * math.sqrt(1 / (2 * n * e)) + 0.01
                     and max(abs(out["std_ratio_min"] - 1), abs(out["std_ratio_max"] - 1))
                     < 4.5 * math.sqrt(1 / (2 * n)) + 0.01)
    out["ok"] = out["ok_mean"] and out["ok_std"]
    return out


# ----------------------------------------------------------------------------- Gaussian random field
class GaussianField:
    """The law above for correlation length ``length`` (latent pixels) and white share ``nugget``."""

    def __init__(self, length: float, nugget: float = 0.05):
        if not length > 0 or not 0 < nugget < 1:
            raise ValueError(f"need length > 0 and 0 < nugget < 1, got {length!r}, {nugget!r}")
        self.length = float(length)
        self.nugget = float(nugget)
        self._eig = lru_cache(maxsize=None)(self._eig_uncached)

    def kernel_1d(self, n: int) -> torch.Tensor:
        i = torch.arange(n, dtype=torch.float64)
        return torch.exp(-(i[:, None] - i[None, :]) ** 2 / (2 * self.length ** 2))

    def _eig_uncached(self, n: int):
        lam, vec = torch.linalg.eigh(self.kernel_1d(n))
        return lam.clamp_min(0), vec

    def spectrum(self, h: int, w: int) -> torch.Tensor:
        """[h, w] eigenvalues of Sigma_hw in the (U_h, U_w) basis."""
        a, _ = self._eig(h)
        b, _ = self._eig(w)
        return (1 - self.nugget) * a[:, None] * b[None, :] + self.nugget

    def covariance(self, h: int, w: int) -> torch.Tensor:
        """Dense [h w, h w] Sigma_hw, row-major pixel order (for checks and exact conditionals)."""
        k = torch.kron(self.kernel_1d(h), self.kernel_1d(w))
        return (1 - self.nugget) * k + self.nugget * torch.eye(h * w, dtype=torch.float64)

    def posterior_mean(self, x: torch.Tensor, alpha: torch.Tensor, s: torch.Tensor) -> torch.Tensor:
        """E[x0 | x] for x [B, ..., h, w] = alpha x0 + s n, alpha and s per batch item ([B])."""
        h, w = x.shape[-2:]
        _, uh = self._eig(h)
        _, uw = self._eig(w)
        uh, uw = uh.to(x.device), uw.to(x.device)
        lam = self.spectrum(h, w).to(x.device)
        view = (-1,) + (1,) * (x.ndim - 1)
        a = alpha.to(x.device, torch.float64).reshape(view)
        s2 = s.to(x.device, torch.float64).reshape(view) ** 2
        gain = a * lam / (a * a * lam + s2)
        spectral = uh.T @ x.double() @ uw
        return uh @ (gain * spectral) @ uw.T

    def sample(self, n: int, h: int, w: int, generator: torch.Generator) -> torch.Tensor:
        """[n, h, w] draws."""
        z = torch.randn(n, h, w, generator=generator, dtype=torch.float64)
        _, uh = self._eig(h)
        _, uw = self._eig(w)
        return uh @ (self.spectrum(h, w).sqrt() * z) @ uw.T

    def conditional(self, known: torch.Tensor, regen: torch.Tensor, window=None):
        """Exact law N(mean [k], cov [k, k]) of the pixels where ``regen`` [h, w] (bool) is set,
        row-major, given the others of ``known`` [h, w] -- all of them, or (``window`` =
        (top, bottom, left, right), or a list of such boxes) only those inside the window(s), the
        law a model that is shown only the window(s) conditions on."""
        h, w = known.shape
        inside = torch.zeros(h, w, dtype=torch.bool)
        windows = [(0, h, 0, w)] if window is None else [window] if isinstance(window[0], int) else window
        for top, bottom, left, right in windows:
            inside[top:bottom, left:right] = True
        u = regen.flatten()
        k = (~regen & inside).flatten()
        cov = self.covariance(h, w)
        s_uu, s_uk, s_kk = cov[u][:, u], cov[u][:, k], cov[k][:, k]
        if not bool(k.any()):
            return torch.zeros(int(u.sum()), dtype=torch.float64), s_uu
        chol = torch.linalg.cholesky(s_kk)
        gain = torch.cholesky_solve(s_uk.T, chol).T
        mean = gain @ known.double().flatten()[k]
        c = s_uu - gain @ s_uk.T
        return mean, 0.5 * (c + c.T)


def analytic_field_model(field: GaussianField, channels: int = 1, flow: bool = False, shift: float = 3.0):
    """ModelPatcher of a real BaseModel (EPS with the SD1/SDXL schedule, or FLOW / CONST with
    ModelSamplingDiscreteFlow(shift) like SD3) whose prediction is exact for ``field`` on whatever
    [B, channels, h, w] latent it is given. Identity latent format (8 image px per latent px, like
    SD), so latents are model-space values; conditioning: analytic_conds()."""
    return mount_analytic_net(AnalyticGaussianNet(field), channels, flow=flow, shift=shift)


def gaussian_mean_kl(samples: torch.Tensor, mean: torch.Tensor, cov: torch.Tensor) -> float:
    """The mean part of the moment-fitted Gaussian KL: (m - mean)^T cov^-1 (m - mean) / 2 with m
    the sample mean of samples [n, k]."""
    d = samples.double().mean(0) - mean.double()
    return float(0.5 * d @ torch.linalg.solve(cov.double(), d))


def exact_gaussian_kl(mean_p, cov_p, mean_q, cov_q) -> float:
    """KL(N(mean_p, cov_p) || N(mean_q, cov_q)) in closed form."""
    k = mean_p.numel()
    inv = torch.linalg.inv(cov_q)
    d = mean_q - mean_p
    return float(0.5 * (torch.trace(inv @ cov_p) + d @ inv @ d - k
                        + torch.linalg.slogdet(cov_q)[1] - torch.linalg.slogdet(cov_p)[1]))


