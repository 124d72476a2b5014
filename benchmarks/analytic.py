"""Exact denoisers for Gaussian and Gaussian-mixture data, in ComfyUI's native coordinates.

For a component N(mu_k, S_k) and a VP state x_t = sqrt(abar) x0 + sqrt(1 - abar) n:
    E[x0 | x_t, k] = mu_k + sqrt(abar) S_k (abar S_k + (1 - abar) I)^-1 (x_t - sqrt(abar) mu_k),
mixed with the posterior responsibilities of the components. No training error enters, so any
gap to the exact conditional is the sampler's.
"""
import math
from dataclasses import dataclass

import torch

from lanpaint_core.coordinates import alpha_bar, to_vp


@dataclass(frozen=True)
class GaussianMixture:
    weights: torch.Tensor  # [K]
    means: torch.Tensor    # [K, D]
    covs: torch.Tensor     # [K, D, D]

    @property
    def dim(self) -> int:
        return self.means.shape[1]

    def denoiser(self, flow: bool):
        """denoise(x[N, D], sigma[N]) -> E[x0 | x] for states in native coordinates."""
        def denoise(x, sigma):
            sig = sigma.double().reshape(-1, 1)
            xv = to_vp(x.double(), sig, flow)
            abar, one_minus = alpha_bar(sig, flow)
            return self.posterior_mean(xv, abar.reshape(-1), one_minus.reshape(-1)).to(x.dtype)
        return denoise

    def posterior_mean(self, xv, abar, one_minus):
        eye = torch.eye(self.dim, dtype=torch.float64, device=xv.device)
        sa = abar.sqrt()[:, None, None]                                    # [N,1,1]
        mu, cov = self.means.double(), self.covs.double()
        marg = abar[:, None, None, None] * cov + one_minus[:, None, None, None] * eye   # [N,K,D,D]
        resid = xv[:, None, :] - sa * mu[None]                             # [N,K,D]
        sol = torch.linalg.solve(marg, resid.unsqueeze(-1)).squeeze(-1)    # [N,K,D]
        mean_k = mu[None] + sa * torch.einsum("kde,nke->nkd", cov, sol)
        logdet = torch.linalg.slogdet(marg)[1]
        logp = torch.log(self.weights.double())[None] - 0.5 * (resid * sol).sum(-1) - 0.5 * logdet
        resp = torch.softmax(logp, dim=1)
        return (resp[..., None] * mean_k).sum(1)

    def sample(self, n: int, generator: torch.Generator) -> torch.Tensor:
        k = torch.multinomial(self.weights.double(), n, replacement=True, generator=generator)
        chol = torch.linalg.cholesky(self.covs.double())
        z = torch.randn(n, self.dim, generator=generator, dtype=torch.float64)
        return self.means.double()[k] + torch.einsum("nde,ne->nd", chol[k], z)

    def conditional(self, known_idx: list[int], known_values: torch.Tensor) -> "GaussianMixture":
        """Exact law of the other coordinates given x[known_idx] = known_values (a mixture again)."""
        d = self.dim
        free = [i for i in range(d) if i not in known_idx]
        mu, cov = self.means.double(), self.covs.double()
        y = known_values.double()
        s_ff = cov[:, free][:, :, free]
        s_fk = cov[:, free][:, :, known_idx]
        s_kk = cov[:, known_idx][:, :, known_idx]
        resid = y[None] - mu[:, known_idx]
        gain = torch.linalg.solve(s_kk, s_fk.transpose(1, 2)).transpose(1, 2)   # S_fk S_kk^-1
        means = mu[:, free] + torch.einsum("kfj,kj->kf", gain, resid)
        covs = s_ff - gain @ s_fk.transpose(1, 2)
        logw = torch.log(self.weights.double()) - 0.5 * (
            resid * torch.linalg.solve(s_kk, resid.unsqueeze(-1)).squeeze(-1)).sum(-1) \
            - 0.5 * torch.linalg.slogdet(s_kk)[1]
        return GaussianMixture(torch.softmax(logw, 0), means, covs)

    def log_density(self, x: torch.Tensor) -> torch.Tensor:
        d = self.dim
        mu, cov = self.means.double(), self.covs.double()
        resid = x.double()[:, None, :] - mu[None]
        sol = torch.linalg.solve(cov[None].expand(x.shape[0], -1, -1, -1), resid.unsqueeze(-1)).squeeze(-1)
        logp = (torch.log(self.weights.double())[None] - 0.5 * (resid * sol).sum(-1)
                - 0.5 * torch.linalg.slogdet(cov)[1][None] - 0.5 * d * math.log(2 * math.pi))
        return torch.logsumexp(logp, dim=1)


def correlated_gaussian(rho: float = 0.9, std=(1.0, 1.0), mean=(0.0, 0.0)) -> GaussianMixture:
    """A 2-D Gaussian with correlation rho (a one-component mixture)."""
    s0, s1 = std
    cov = torch.tensor([[s0 * s0, rho * s0 * s1], [rho * s0 * s1, s1 * s1]], dtype=torch.float64)
    return GaussianMixture(torch.ones(1, dtype=torch.float64),
                           torch.tensor([mean], dtype=torch.float64), cov[None])


def gaussian_kl(samples: torch.Tensor, mean: torch.Tensor, cov: torch.Tensor) -> float:
    """KL(N(sample mean, sample cov) || N(mean, cov)) — the moment-fitted Gaussian KL."""
    samples = samples.double()
    d = samples.shape[1]
    m = samples.mean(0)
    c = torch.cov(samples.T).reshape(d, d)
    cov = cov.double().reshape(d, d)
    inv = torch.linalg.inv(cov)
    diff = (mean.double().reshape(d) - m)
    return float(0.5 * (torch.trace(inv @ c) + diff @ inv @ diff - d
                        + torch.linalg.slogdet(cov)[1] - torch.linalg.slogdet(c)[1]))


def random_correlation(dim: int, seed: int, kind: str) -> torch.Tensor:
    """A random correlation matrix (unit diagonal), seeded.

    wishart: W W^T / (2 dim) + 0.05 I with W [dim, 2 dim] standard normal - correlations of
             all signs and ranges, eigenvalues spread over two decades;
    field:   exp(-|p_i - p_j| / 0.3) for points p uniform in the unit square - a smooth random
             field sampled at scattered pixels, like neighbouring latent pixels.
    """
    g = torch.Generator().manual_seed(seed)
    if kind == "wishart":
        w = torch.randn(dim, 2 * dim, generator=g, dtype=torch.float64)
        cov = w @ w.T / (2 * dim) + 0.05 * torch.eye(dim, dtype=torch.float64)
    elif kind == "field":
        pts = torch.rand(dim, 2, generator=g, dtype=torch.float64)
        cov = torch.exp(-torch.cdist(pts, pts) / 0.3) + 1e-3 * torch.eye(dim, dtype=torch.float64)
    else:
        raise ValueError(f"unknown covariance kind {kind!r}")
    std = cov.diag().sqrt()
    return cov / std[:, None] / std[None]


def gaussian_denoiser(mean: torch.Tensor, cov: torch.Tensor, flow: bool, calls: list):
    """E[x0 | x_t] of N(mean, cov) when the batch shares one noise level (one matmul per call):
    in cov's eigenbasis the gain sqrt(abar) lam / (abar lam + 1 - abar) is diagonal. calls[0] counts."""
    lam, vec = torch.linalg.eigh(cov.double())
    mean = mean.double()

    def denoise(x, sigma):
        calls[0] += 1
        s = sigma.reshape(-1)[0].double()
        abar, one_minus = alpha_bar(s, flow)
        sa = abar.sqrt()
        gain = (vec * (sa * lam / (abar * lam + one_minus))) @ vec.T
        xv = to_vp(x.double(), s, flow)
        return (mean + (xv - sa * mean) @ gain.T).to(x.dtype)

    return denoise
