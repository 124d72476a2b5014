"""The Bidirectional Guided (BiG) score, written as a frozen-force centre in VP coordinates.

The inner solver splits the score as s(z) = C - A z with
    A_x = 1 / (1 - abar)                (regenerated region: the model's own score)
    A_y = (1 + lam) / (1 - abar)        (kept region: the BiG pull)
and keeps the centre z* = C / A = z + s(z) / A. From the BiG score of the method:
    x:  z* = sqrt(abar) x0_hat
    y:  z* = (sqrt(abar) ((1 + lam) y_o - lam y0_hat_big) + lam y) / (1 + lam)
"""
import torch


def bi_guided_centre(z, x0, x0_big, kept, regen, sqrt_abar, lam: float):
    """Centre C/A of the BiG score at VP state z (regen: True where the content is regenerated;
    kept: the clean latent the kept region holds)."""
    centre_x = sqrt_abar * x0
    centre_y = (sqrt_abar * ((1 + lam) * kept - lam * x0_big) + lam * z) / (1 + lam)
    return torch.where(regen, centre_x, centre_y)

