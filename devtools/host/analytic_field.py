"""An analytic Gaussian random field over a 2-D latent, mounted in a real BaseModel, whose denoiser
is exact for ANY window of the latent -- so a sampler that hands the model only a crop gets the
exact denoiser of what it handed over, and the price of the crop is the far context it drops.

Law (per channel, channels independent, zero mean, unit marginal variance) over an h x w grid:

    Sigma_hw = (1 - nugget) K_h (x) K_w + nugget I,    K_n[i, j] = exp(-(i - j)^2 / (2 l^2))

a squared-exponential correlation of length l latent pixels along rows and along columns
(separable, stationary) plus a small white "nugget" that keeps the exact conditionals well posed.
Stationarity makes every h x w window of a larger latent N(0, Sigma_hw) too.

Denoiser: for x = alpha x0 + s n (n ~ N(0, I)), with K_h = U_h diag(a) U_h^T, K_w = U_w diag(b) U_w^T,

    E[x0 | x] = U_h (G * (U_h^T x U_w)) U_w^T,   G[i, j] = alpha lam_ij / (alpha^2 lam_ij + s^2),
    lam_ij = (1 - nugget) a_i b_j + nugget,

two 1-D eigendecompositions of the window's sides (cached by size) and four small matmuls.
"""
from __future__ import annotations

from functools import lru_cache

import torch

from .tiny_models import AnalyticGaussianNet, mount_analytic_net

__all__ = ["GaussianField", "analytic_field_model"]


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
    SD), so latents are model-space values; conditioning: tiny_models.analytic_conds()."""
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


__all__ += ["gaussian_mean_kl", "exact_gaussian_kl"]
