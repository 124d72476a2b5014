"""Exactness end to end: an exact Gaussian model mounted in a real EPS and a real CONST (flow)
BaseModel, sampled through LanPaint KSampler, against the closed-form conditional."""
import pytest
import torch

from benchmarks.analytic import gaussian_kl
from devtools.host import analytic_models as am
from tests.node_runner import run

SHAPE = (1, 2, 2)  # one latent: 4 correlated elements; the right column is inpainted
N_SAMPLES = 4000


def _problem(flow):
    cov = am.correlated_covariance(SHAPE, std=1.0, length_scale=1.5)
    mean = torch.tensor([[[0.5, -0.3], [0.2, 0.4]]])
    model = am.analytic_gaussian_model(mean, flow=flow, cov=cov)
    data = am.analytic_data(model)
    known = torch.tensor([[[1.2, 0.0], [-0.4, 0.0]]])
    mask = torch.tensor([[[0.0, 1.0], [0.0, 1.0]]])
    return model, data, known, mask


@pytest.mark.parametrize("flow,scheduler", [(False, "karras"), (True, "simple")])
def test_lanpaint_ksampler_reaches_exact_conditional(comfy, flow, scheduler):
    model, data, known, mask = _problem(flow)
    target = data.exact_conditional(known, mask)
    latent = {"samples": known.expand(N_SAMPLES, *SHAPE).clone().float(), "noise_mask": mask}
    regen = mask.expand(SHAPE).flatten().bool()

    def kl(thinking):
        out = run("ksampler", model, latent, conds=am.analytic_conds(), seed=3, steps=20, cfg=1.0,
                  thinking=thinking, scheduler=scheduler)
        assert torch.equal(out[:, ~mask.expand(SHAPE).bool()], latent["samples"][:, ~mask.expand(SHAPE).bool()])
        return gaussian_kl(out.reshape(N_SAMPLES, -1)[:, regen], target.mean.flatten()[regen], target.cov)

    lanpaint, replace = kl(5), kl(0)
    print(f"flow={flow}: KL LanPaint-5 {lanpaint:.4f}, Replace {replace:.4f}")
    assert lanpaint < 0.01  # the core benchmark's target at 20 steps x 5 thinking steps
    assert replace > 3 * lanpaint
