"""Noise schedules used by tests (the host's own are used in host tests)."""
import torch


def karras_sigmas(n: int, sigma_min: float = 0.0292, sigma_max: float = 14.6146, rho: float = 7.0):
    ramp = torch.linspace(0, 1, n, dtype=torch.float64)
    lo, hi = sigma_min ** (1 / rho), sigma_max ** (1 / rho)
    return torch.cat([(hi + ramp * (lo - hi)) ** rho, torch.zeros(1, dtype=torch.float64)]).float()


def flow_times(n: int, shift: float = 3.0):
    s = torch.linspace(1, 0, n + 1, dtype=torch.float64)[:-1]
    return torch.cat([shift * s / (1 + (shift - 1) * s), torch.zeros(1, dtype=torch.float64)]).float()
