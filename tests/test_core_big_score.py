import torch

from lanpaint_core.big_score import bi_guided_centre, bi_guided_score


def test_big_score_matches_the_method_formula_and_its_centre_split():
    """s_x = (sqrt(abar) x0 - x)/(1 - abar); g = (sqrt(abar)((1+lam) y_o - lam y0_big) - y)/(1 - abar),
    and the solver's split s = A (centre - z) with A_x = 1/(1-abar), A_y = (1+lam)/(1-abar)."""
    g = torch.Generator().manual_seed(0)
    z, x0, x0_big, known = (torch.randn(64, generator=g, dtype=torch.float64) for _ in range(4))
    regen = torch.arange(64) % 3 == 0
    abar = torch.tensor(0.37, dtype=torch.float64)
    lam = 8.0
    s = bi_guided_score(z, x0, x0_big, known, regen, abar, 1 - abar, lam)
    expected = torch.where(regen, (abar.sqrt() * x0 - z) / (1 - abar),
                           (abar.sqrt() * ((1 + lam) * known - lam * x0_big) - z) / (1 - abar))
    torch.testing.assert_close(s, expected)
    centre = bi_guided_centre(z, x0, x0_big, known, regen, abar.sqrt(), lam)
    stiffness = torch.where(regen, 1.0, 1.0 + lam) / (1 - abar)
    torch.testing.assert_close(stiffness * (centre - z), expected)
    # lam = 0: the known region is pulled to the forward marginal of the observation only
    s0 = bi_guided_score(z, x0, x0_big, known, regen, abar, 1 - abar, 0.0)
    torch.testing.assert_close(s0[~regen], ((abar.sqrt() * known - z) / (1 - abar))[~regen])
