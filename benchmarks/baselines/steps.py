"""Step maths the baselines share, in VP coordinates (x_vp = sqrt(abar) x0 + sqrt(1 - abar) n).

Every baseline calls the model through the core's contract, denoise(x_native, sigma[batch]) -> x0
(or (x0, x0_big); the baselines use x0), so they run on the analytic models and on a host model
alike. States move between native and VP coordinates with lanpaint_core.coordinates.
"""
import torch

from lanpaint_core.coordinates import add_noise, alpha_bar, from_vp, to_vp


def x0_of(out) -> torch.Tensor:
    """The x0 estimate of a denoiser's answer (x0 or (x0, x0_big))."""
    return (out[0] if isinstance(out, tuple) else out).float()


def call(denoise, x_native: torch.Tensor, sigma) -> torch.Tensor:
    """One model call at scalar level sigma for the whole batch."""
    return x0_of(denoise(x_native, sigma.reshape(1).expand(x_native.shape[0])))


def randn(like: torch.Tensor, generator) -> torch.Tensor:
    return torch.randn(like.shape, generator=generator, device=like.device, dtype=torch.float32)


def levels(sigma, flow):
    """(sqrt(abar), sqrt(1 - abar)) at native level sigma, as float64 scalars."""
    abar, one_minus = alpha_bar(torch.as_tensor(sigma, dtype=torch.float64), flow)
    return float(abar.sqrt()), float(one_minus.sqrt())


def ancestral_step(x_vp, x0, s, s_next, flow, noise):
    """DDPM's reverse step: a draw of q(x_next | x_t, x0) with x0 the model's estimate (Ho et al. 2020,
    eq. 7), between any two levels of the schedule. At s_next = 0 it returns x0."""
    a_t, b_t = levels(s, flow)
    a_n, b_n = levels(s_next, flow)
    if b_n == 0.0:
        return x0.clone()
    alpha = (a_t / a_n) ** 2                      # abar_t / abar_next: the one-step forward kernel
    var_t, var_n = b_t * b_t, b_n * b_n
    mean = (a_n * (1 - alpha) / var_t) * x0 + ((alpha ** 0.5) * var_n / var_t) * x_vp
    return mean + ((1 - alpha) * var_n / var_t) ** 0.5 * noise


def eta_step(x_vp, x0, s, s_next, flow, eta, noise):
    """DDIM's step with stochasticity eta (Song et al. 2021; DDRM's form, Kawar et al. 2022, eq. 7):
    sqrt(abar_n) x0 + sqrt(1 - eta^2) sqrt(1 - abar_n) eps_hat + eta sqrt(1 - abar_n) noise."""
    a_t, b_t = levels(s, flow)
    a_n, b_n = levels(s_next, flow)
    eps = (x_vp - a_t * x0) / b_t
    return a_n * x0 + b_n * ((1 - eta * eta) ** 0.5 * eps + eta * noise)


def renoise(x_vp, s_low, s_high, flow, noise):
    """The forward kernel from level s_low up to the noisier s_high (RePaint's jump back)."""
    a_l, _ = levels(s_low, flow)
    a_h, _ = levels(s_high, flow)
    ratio = (a_h / a_l) ** 2
    return ratio ** 0.5 * x_vp + max(1 - ratio, 0.0) ** 0.5 * noise


def noised_known(known, regen, x_vp, s, flow, noise):
    """x_vp with the known region replaced by the observation noised to level s (fresh noise)."""
    return torch.where(regen, x_vp, to_vp(add_noise(known, noise, s, flow), s, flow))


def residual_gradient(denoise, x_vp, s, flow, known, regen, reg=None):
    """(x0, gradient over x_vp, per-item residual norm) of ||(1 - m) (y - x0(x_vp))||^2, the
    data-consistency loss of the gradient methods; back-propagates through the denoiser.
    reg: (weight, anchor) adds weight * ||x_vp - anchor||^2 (CoPaint's proximity term)."""
    with torch.enable_grad():
        xv = x_vp.detach().requires_grad_(True)
        x0 = call(denoise, from_vp(xv, s, flow), s)
        resid = torch.where(regen, 0.0, known - x0)
        sq = resid.square().flatten(1).sum(1)
        loss = sq.sum()
        if reg is not None:
            weight, anchor = reg
            loss = loss + weight * (xv - anchor).square().sum()
        (grad,) = torch.autograd.grad(loss, xv)
    return x0.detach(), grad, sq.detach().sqrt()


def final(x_vp, s_last, flow, known, regen):
    """The native result with the kept region exactly the input (every method's output convention)."""
    return torch.where(regen, from_vp(x_vp, s_last, flow), known)
