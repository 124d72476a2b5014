"""The analytic Gaussian field of benchmarks/crop.py: its denoiser, mounted in a real EPS and a
real flow BaseModel, is the exact posterior mean of whatever window it is shown (dense algebra)."""
import pytest
import torch

from devtools.host import analytic_models as am
from devtools.host import model_calls as mc


def _dense_posterior_mean(field, x, alpha, s):
    """E[x0 | x] = alpha Sigma (alpha^2 Sigma + s^2 I)^-1 x per item, Sigma dense for x's size."""
    b, h, w = x.shape[0], x.shape[-2], x.shape[-1]
    cov = field.covariance(h, w)
    out = []
    for i in range(b):
        m = alpha[i] ** 2 * cov + s[i] ** 2 * torch.eye(h * w, dtype=torch.float64)
        out.append(alpha[i] * cov @ torch.linalg.solve(m, x[i].double().reshape(h * w, -1)))
    return torch.stack(out).reshape(x.shape)


@pytest.mark.parametrize("flow", [False, True])
def test_mounted_field_denoiser_is_exact_for_any_window(comfy, flow):
    field = am.GaussianField(length=2.5, nugget=0.05)
    model = am.analytic_field_model(field, flow=flow)
    ms = model.get_model_object("model_sampling")
    pos, _ = am.analytic_conds()
    g = torch.Generator().manual_seed(0)
    for h, w in ((7, 5), (4, 9)):   # windows of any size: the model is handed crops
        sigma = torch.tensor([0.3, 2.0])
        x0 = field.sample(2, h, w, g)[:, None].float()
        noise = torch.randn(x0.shape, generator=g)
        x = ms.noise_scaling(sigma, noise, x0)
        one = torch.ones(2, 1, 1, 1)
        s = ms.noise_scaling(sigma, one, torch.zeros_like(one)).double().reshape(2)
        alpha = ms.noise_scaling(sigma, torch.zeros_like(one), one).double().reshape(2)
        got = mc.predict_denoised(model, x, sigma, pos).double()
        want = _dense_posterior_mean(field, x, alpha, s)
        assert got.shape == x.shape
        assert torch.allclose(got, want, atol=2e-5, rtol=1e-4), float((got - want).abs().max())


def test_field_law_and_conditionals():
    field = am.GaussianField(length=3.0, nugget=0.1)
    h, w = 6, 7
    cov = field.covariance(h, w)
    assert torch.allclose(cov.diagonal(), torch.ones(h * w, dtype=torch.float64))
    # stationary: a window's law is the field's law of the window's size
    window = cov.reshape(h, w, h, w)[1:5, 2:7, 1:5, 2:7].reshape(20, 20)
    assert torch.allclose(window, field.covariance(4, 5))
    # the spectral sampler draws from that law
    draws = field.sample(40000, h, w, torch.Generator().manual_seed(1)).reshape(40000, -1)
    assert (torch.cov(draws.T) - cov).abs().max() < 0.04
    # conditioning on fewer pixels (a window) widens the conditional; on all, it matches a direct solve
    known = field.sample(1, h, w, torch.Generator().manual_seed(2))[0]
    regen = torch.zeros(h, w, dtype=torch.bool)
    regen[2:4, 3:5] = True
    mean_all, cov_all = field.conditional(known, regen)
    u, k = regen.flatten(), ~regen.flatten()
    gain = cov[u][:, k] @ torch.linalg.inv(cov[k][:, k])
    assert torch.allclose(mean_all, gain @ known.flatten()[k])
    assert torch.allclose(cov_all, cov[u][:, u] - gain @ cov[k][:, u])
    mean_win, cov_win = field.conditional(known, regen, window=(1, 5, 2, 6))
    assert torch.linalg.eigvalsh(cov_win - cov_all).min() > -1e-12
    assert am.exact_gaussian_kl(mean_win, cov_win, mean_all, cov_all) > 1e-4
    assert am.exact_gaussian_kl(mean_all, cov_all, mean_all, cov_all) == pytest.approx(0, abs=1e-12)
