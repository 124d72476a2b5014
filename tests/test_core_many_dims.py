"""Exactness in many dimensions: a seeded 16-D Gaussian with 12 coordinates known and 4 regenerated
(benchmarks/exactness.py's first many-dimensional case), 20 Euler steps x 5 thinking steps.

The frozen-force steps (scheme "sho", the default, and "ou") settle at a biased variance where the
model's estimate depends on the state: "sho" comes out 6-7 % too large here (trace ratio 1.065 on
VE with these samples and seed). The Leimkuhler-Matthews step ("lm") keeps it within 5 %; this
test pins both facts, so a change to either scheme that moves them fails."""
import pytest

from benchmarks.exactness import GaussianCase, gaussian_case_floor, run_gaussian_case

CASE = GaussianCase(16, 4, "wishart", 0)
SAMPLES = 8000
LM = dict(scheme="lm", step_size=1.5)


@pytest.mark.parametrize("flow", [False, True])
def test_lm_regenerated_variance_of_16d_gaussian_within_5_percent(flow):
    kl, ratio, calls = run_gaussian_case(CASE, flow, 20, 5, SAMPLES, seed=0, **LM)
    assert calls == 20 * 6
    assert abs(ratio - 1) < 0.05, ratio
    floor_kl, _ = gaussian_case_floor(CASE, SAMPLES, seed=0)
    assert kl < 0.005 + floor_kl, (kl, floor_kl)


def test_default_sho_inflates_16d_gaussian_variance_on_ve():
    """The known limit of the default scheme (issue 10 open): measured, not hidden."""
    _, ratio, _ = run_gaussian_case(CASE, False, 20, 5, SAMPLES, seed=0)
    assert 1.03 < ratio < 1.10, ratio
