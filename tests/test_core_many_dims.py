"""Exactness in many dimensions: a seeded 16-D Gaussian with 12 coordinates known and 4 regenerated
(benchmarks/exactness.py's first many-dimensional case), 20 Euler steps x 5 thinking steps.

The frozen-force steps (scheme "sho", the default, and "ou") settle at a biased variance where the
model's estimate depends on the state: "sho" comes out 6-7 % too large here (trace ratio 1.065 on
VE with these samples and seed; on flow, 20 steps, it stays within 5 %). The Leimkuhler-Matthews
step ("lm") keeps it within 5 % on both; these tests pin those facts, so a change to either scheme
that moves them fails.

On coarse flow schedules what is left is the sampler's last Euler step, not the thinking: from the
last level of 10 steps (t = 0.25) it returns the posterior mean, and even exact samples of that
level lose about 12 % of the variance (last_step_reference); "lm" sits next to that reference."""
import pytest

from benchmarks.exactness import GaussianCase, gaussian_case_floor, last_step_reference, run_gaussian_case

CASE = GaussianCase(16, 4, "wishart", 0)
SAMPLES = 8000
LM = dict(scheme="lm", step_size=1.5)


@pytest.mark.parametrize("flow, scheme", [(False, LM), (True, LM), (True, {})],
                         ids=["lm-ve", "lm-flow", "default-flow"])
def test_regenerated_variance_of_16d_gaussian_within_5_percent(flow, scheme):
    """Issue 10 part 4: lm on VE and flow, and the default scheme where it meets it (on VE it does
    not, see below)."""
    kl, ratio, calls = run_gaussian_case(CASE, flow, 20, 5, SAMPLES, seed=0, **scheme)
    assert calls == 20 * 6
    assert abs(ratio - 1) < 0.05, ratio
    floor_kl, _ = gaussian_case_floor(CASE, SAMPLES, seed=0)
    assert kl < 0.005 + floor_kl, (kl, floor_kl)


def test_default_sho_inflates_16d_gaussian_variance_on_ve():
    """The known limit of the default scheme (issue 10 open): measured, not hidden. The warm start
    (issue 26) brought it from about 6 % to about 3 %."""
    _, ratio, _ = run_gaussian_case(CASE, False, 20, 5, SAMPLES, seed=0)
    assert 1.01 < ratio < 1.05, ratio


def test_last_step_reference_is_the_floor_on_ve_and_loses_spread_on_coarse_flow():
    floor_kl, _ = gaussian_case_floor(CASE, SAMPLES, seed=0)
    ve_kl, ve_ratio = last_step_reference(CASE, False, 20, SAMPLES, seed=0)
    assert ve_kl < 2 * floor_kl and abs(ve_ratio - 1) < 0.03, (ve_kl, ve_ratio, floor_kl)
    _, flow_ratio = last_step_reference(CASE, True, 10, SAMPLES, seed=0)
    assert 0.8 < flow_ratio < 0.92, flow_ratio


def test_lm_on_coarse_flow_schedule_sits_at_the_last_step_reference():
    """At 10 x 5 on flow lm's shortfall is the last step's: within 0.05 of the reference's ratio."""
    _, ref_ratio = last_step_reference(CASE, True, 10, SAMPLES, seed=0)
    _, ratio, _ = run_gaussian_case(CASE, True, 10, 5, SAMPLES, seed=0, **LM)
    assert ratio < 0.95 and abs(ratio - ref_ratio) < 0.05, (ratio, ref_ratio)
