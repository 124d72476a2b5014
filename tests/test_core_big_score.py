import torch

from lanpaint_core.big_score import bi_guided_centre


def bi_guided_score(z, x0, x0_big, kept, regen, abar, one_minus_abar, lam: float):
    """The BiG score itself, A * (centre - z) per region, from the core's centre (the solver needs
    the centre alone): checked against the method's formula below."""
    centre = bi_guided_centre(z, x0, x0_big, kept, regen, abar.sqrt(), lam)
    stiffness = torch.where(regen, 1.0, 1.0 + lam) / one_minus_abar
    return stiffness * (centre - z)


def test_big_score_matches_the_method_formula_and_its_centre_split():
    """s_x = (sqrt(abar) x0 - x)/(1 - abar); g = (sqrt(abar)((1+lam) y_o - lam y0_big) - y)/(1 - abar),
    and the solver's split s = A (centre - z) with A_x = 1/(1-abar), A_y = (1+lam)/(1-abar)."""
    g = torch.Generator().manual_seed(0)
    z, x0, x0_big, kept = (torch.randn(64, generator=g, dtype=torch.float64) for _ in range(4))
    regen = torch.arange(64) % 3 == 0
    abar = torch.tensor(0.37, dtype=torch.float64)
    lam = 8.0
    s = bi_guided_score(z, x0, x0_big, kept, regen, abar, 1 - abar, lam)
    expected = torch.where(regen, (abar.sqrt() * x0 - z) / (1 - abar),
                           (abar.sqrt() * ((1 + lam) * kept - lam * x0_big) - z) / (1 - abar))
    torch.testing.assert_close(s, expected)
    centre = bi_guided_centre(z, x0, x0_big, kept, regen, abar.sqrt(), lam)
    stiffness = torch.where(regen, 1.0, 1.0 + lam) / (1 - abar)
    torch.testing.assert_close(stiffness * (centre - z), expected)
    # lam = 0: the kept region is pulled to the forward marginal of the observation only
    s0 = bi_guided_score(z, x0, x0_big, kept, regen, abar, 1 - abar, 0.0)
    torch.testing.assert_close(s0[~regen], ((abar.sqrt() * kept - z) / (1 - abar))[~regen])
