import torch

from lanpaint_core import coordinates as co


def ve_sigma_from_flow(t):
    """The VE sigma with the same signal-to-noise ratio as flow time t (the sampler never converts
    between the two; this correspondence is what the tests compare under)."""
    return t / (1 - t)


def flow_from_ve_sigma(sigma):
    return sigma / (1 + sigma)


def test_vp_round_trip_ve_and_flow():
    g = torch.Generator().manual_seed(0)
    x = torch.randn(4, 3, 8, 8, generator=g, dtype=torch.float64)
    for flow, sigma in ((False, torch.tensor([0.03, 1.0, 14.6, 80.0])), (True, torch.tensor([0.0, 0.3, 0.9, 1.0]))):
        s = sigma.double().reshape(-1, 1, 1, 1)
        back = co.from_vp(co.to_vp(x, s, flow), s, flow)
        torch.testing.assert_close(back, x, rtol=1e-12, atol=1e-12)


def test_alpha_bar_matches_definitions():
    sigma = torch.tensor([1e-4, 0.5, 3.0, 14.6], dtype=torch.float64)
    abar, one_minus = co.alpha_bar(sigma, flow=False)
    torch.testing.assert_close(abar, 1 / (1 + sigma**2))
    torch.testing.assert_close(abar + one_minus, torch.ones_like(sigma))
    # tiny sigma keeps relative precision in 1 - abar (no cancellation)
    assert abs(one_minus[0].item() / 1e-8 - 1) < 1e-6


def test_flow_and_ve_agree_on_signal_to_noise():
    t = torch.tensor([0.01, 0.25, 0.5, 0.75, 0.99], dtype=torch.float64)
    sigma = ve_sigma_from_flow(t)
    torch.testing.assert_close(flow_from_ve_sigma(sigma), t)
    torch.testing.assert_close(co.alpha_bar(t, flow=True)[0], co.alpha_bar(sigma, flow=False)[0])
    # the same clean value and noise give the same VP state in both coordinate systems
    x0, n = torch.tensor(0.7, dtype=torch.float64), torch.tensor(-1.3, dtype=torch.float64)
    vp_flow = co.to_vp(co.add_noise(x0, n, t, flow=True), t, flow=True)
    vp_ve = co.to_vp(co.add_noise(x0, n, sigma, flow=False), sigma, flow=False)
    torch.testing.assert_close(vp_flow, vp_ve)
    abar = co.alpha_bar(t, flow=True)[0]
    torch.testing.assert_close(vp_ve, abar.sqrt() * x0 + (1 - abar).sqrt() * n)
