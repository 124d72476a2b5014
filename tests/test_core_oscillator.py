import math

import pytest
import torch

from lanpaint_core.oscillator import (lm_euler, lm_exponential, lm_step, ou_step, ou_transition, sho_step,
                                     sho_transition)


def closed_form(a: float, r: float):
    """Mean map and covariance of the SHO over step a, in scaled variables (A = 1, Gamma = r),
    from the matrix exponential of the drift and the Lyapunov form Sigma_inf - E Sigma_inf E^T."""
    drift = torch.tensor([[0.0, 1.0], [-r, -r]], dtype=torch.float64)  # in (z, q)
    e = torch.linalg.matrix_exp(drift * a)
    sigma_inf = torch.diag(torch.tensor([1.0, r], dtype=torch.float64))
    cov = sigma_inf - e @ sigma_inf @ e.T
    to_scaled = torch.diag(torch.tensor([1.0, 1 / math.sqrt(r)], dtype=torch.float64))
    return to_scaled @ e @ torch.linalg.inv(to_scaled), to_scaled @ cov @ to_scaled.T


@pytest.mark.parametrize("a,r", [(0.2, 225.0), (0.2, 4.0), (0.5, 1.0), (1.5, 0.3), (0.01, 9.0), (3.0, 50.0)])
def test_sho_coefficients_match_closed_form(a, r):
    t = sho_transition(a, r)
    e_ref, cov_ref = closed_form(a, r)
    e = torch.tensor([[t.e11, t.e12], [t.e21, t.e22]], dtype=torch.float64)
    chol = torch.tensor([[t.l11, 0.0], [t.l21, t.l22]], dtype=torch.float64)
    torch.testing.assert_close(e, e_ref, rtol=1e-9, atol=1e-12)
    torch.testing.assert_close(chol @ chol.T, cov_ref, rtol=1e-7, atol=1e-12)


def test_sho_step_sample_moments():
    a, r = 0.3, 2.0
    t = sho_transition(a, r)
    g = torch.Generator().manual_seed(1)
    n = 400_000
    u0, v0 = 1.5, -0.5
    u = torch.full((n,), u0, dtype=torch.float64)
    v = torch.full((n,), v0, dtype=torch.float64)
    u1, v1 = sho_step(u, v, t, torch.randn(n, generator=g, dtype=torch.float64),
                      torch.randn(n, generator=g, dtype=torch.float64))
    e_ref, cov_ref = closed_form(a, r)
    mean_ref = e_ref @ torch.tensor([u0, v0], dtype=torch.float64)
    samples = torch.stack([u1, v1])
    torch.testing.assert_close(samples.mean(1), mean_ref, atol=5e-3, rtol=0)
    torch.testing.assert_close(torch.cov(samples), cov_ref, atol=5e-3, rtol=0)


@pytest.mark.parametrize("scheme", ["sho", "ou"])
def test_stationary_law_is_preserved(scheme):
    """Starting from N(0, I), many steps keep N(0, I): the exact step has no discretisation bias."""
    g = torch.Generator().manual_seed(2)
    n = 200_000
    u = torch.randn(n, generator=g, dtype=torch.float64)
    v = torch.randn(n, generator=g, dtype=torch.float64)
    t = sho_transition(0.7, 3.0) if scheme == "sho" else ou_transition(0.7)
    for _ in range(20):
        xi = torch.randn(n, generator=g, dtype=torch.float64)
        if scheme == "sho":
            u, v = sho_step(u, v, t, xi, torch.randn(n, generator=g, dtype=torch.float64))
        else:
            u = ou_step(u, t, xi)
    assert abs(u.mean().item()) < 0.01 and abs(u.var().item() - 1) < 0.015
    if scheme == "sho":
        assert abs(v.var().item() - 1) < 0.015 and abs((u * v).mean().item()) < 0.01


def test_relaxes_to_equilibrium_from_far_away():
    t = sho_transition(0.5, 4.0)
    u = torch.full((100_000,), 50.0, dtype=torch.float64)
    v = torch.zeros_like(u)
    g = torch.Generator().manual_seed(3)
    for _ in range(200):
        u, v = sho_step(u, v, t, torch.randn(u.shape, generator=g, dtype=torch.float64),
                        torch.randn(u.shape, generator=g, dtype=torch.float64))
    assert abs(u.mean().item()) < 0.02 and abs(u.var().item() - 1) < 0.03


@pytest.mark.parametrize("a", [1e-12, 1e-6, 1e-3, 1.0, 1e3, 1e6])
@pytest.mark.parametrize("r", [1e-2, 3.999999999, 4.0, 4.000000001, 1e4])
def test_extreme_arguments_stay_finite_and_valid(a, r):
    t = sho_transition(a, r)
    values = [t.e11, t.e12, t.e21, t.e22, t.l11, t.l21, t.l22]
    assert all(math.isfinite(x) for x in values)
    assert t.l11 >= 0 and t.l22 >= 0
    # covariance in scaled variables never exceeds the stationary one
    assert t.l11**2 <= 1 + 1e-12 and t.l21**2 + t.l22**2 <= 1 + 1e-12
    o = ou_transition(a)
    assert 0 <= o.e11 <= 1 and 0 <= o.l11 <= 1


def _linear_force_chain(p: float, step, n_steps: int = 300, n: int = 20_000) -> float:
    """Stationary variance x p of a chain on the score -p u (scaled units, A = 1), with the
    force frozen at each step's start as in the refiner: centre (1 - p) u."""
    g = torch.Generator().manual_seed(4)
    u = torch.randn(n, generator=g, dtype=torch.float64) / math.sqrt(p)
    xi = torch.randn(n, generator=g, dtype=torch.float64)
    acc = []
    for k in range(n_steps):
        c = (1 - p) * u
        xi_new = torch.randn(n, generator=g, dtype=torch.float64)
        u = c + step(u - c, xi, xi_new)
        xi = xi_new
        if k >= n_steps // 3:
            acc.append(u.var().item())
    return sum(acc) / len(acc) * p


@pytest.mark.parametrize("p", [0.05, 0.4, 1.0])
@pytest.mark.parametrize("b", [0.3, 1.0, 1.8])
def test_lm_stationary_variance_exact_for_linear_forces(p, b):
    """The LM step keeps the exact variance 1/p whatever the step and the force's state dependence."""
    t = lm_euler(b)
    assert abs(_linear_force_chain(p, lambda u, xi, xi_new: lm_step(u, t, xi, xi_new)) - 1) < 0.02


def test_frozen_force_ou_step_is_biased_where_lm_is_not():
    """What LM fixes: the frozen-force exact-OU step shrinks slow directions to (1 + e^-a) / 2."""
    a, p = 1.0, 0.05
    ou = ou_transition(a)
    biased = _linear_force_chain(p, lambda u, xi, xi_new: ou_step(u, ou, xi_new))
    assert abs(biased - (1 + math.exp(-a)) / (2 - (1 - math.exp(-a)) * p)) < 0.02
    assert biased < 0.75
    t = lm_exponential(a)
    assert abs(_linear_force_chain(p, lambda u, xi, xi_new: lm_step(u, t, xi, xi_new)) - 1) < 0.02
