"""The Bidirectional Guided (BiG) score, written as a frozen-force centre in VP coordinates.

The inner solver splits the score as s(z) = C - A z with
    A_x = 1 / (1 - abar)                (unknown region: the model's own score)
    A_y = (1 + lam) / (1 - abar)        (known region: the BiG pull)
and keeps the centre z* = C / A = z + s(z) / A. From the BiG score of the method:
    x:  z* = sqrt(abar) x0_hat
    y:  z* = (sqrt(abar) ((1 + lam) y_o - lam y0_hat_big) + lam y) / (1 + lam)
"""
import torch


def bi_guided_centre(z, x0, x0_big, known, regen, sqrt_abar, lam: float):
    """Centre C/A of the BiG score at VP state z (regen: True where the content is regenerated)."""
    centre_x = sqrt_abar * x0
    centre_y = (sqrt_abar * ((1 + lam) * known - lam * x0_big) + lam * z) / (1 + lam)
    return torch.where(regen, centre_x, centre_y)


def bi_guided_score(z, x0, x0_big, known, regen, abar, one_minus_abar, lam: float):
    """The BiG score itself: A * (centre - z) per region. Used by the tests only (the solver needs
    the centre alone), to check the centre split against the method's formula."""
    centre = bi_guided_centre(z, x0, x0_big, known, regen, abar.sqrt(), lam)
    stiffness = torch.where(regen, 1.0, 1.0 + lam) / one_minus_abar
    return stiffness * (centre - z)
