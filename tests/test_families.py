"""Every model class of the host an artist can inpaint with, as a tiny seeded model, through LanPaint.

One small run per case of devtools.host.model_classes.CASES (a real architecture of the host's
own model class, seeded; the conditioning and masked latent a workflow gives it; a per-frame mask
on video; a mask per part on MiniMax H3's audio+video latent) through each entry point: LanPaint
FLD KSampler, LanPaint FLD Sampler in SamplerCustomAdvanced, and Apply LanPaint FLD with the stock
KSampler. Each run must give the stock sampler's shape, keep the kept region bit-exactly what the
host's own latent round trip gives, regenerate the masked region, and call the model as often as
tests/call_counts says (per evaluation as often as the stock sampler does per step). A case whose
model class the host lacks is skipped with that reason (compat.requires_host).
"""
import pytest
import torch

from devtools.host import compat
from devtools.host import model_calls as mc
from devtools.host import tiny_dits
from devtools.host import tiny_families as fam
from devtools.host.model_classes import CASES
from tests.call_counts import expected_model_calls
from tests.node_runner import counting_clone, latent_mask, method_defaults, node, run, run_stock

PATHS = ("ksampler", "custom_advanced", "apply")
STEPS, THINKING = 2, 1
# cases built from the host's model detection, as a checkpoint loads them (test_tiny_model_is_what_the_host_detects)
DETECTED = ("Flux2", "Chroma", "HunyuanImage21", "QwenImage", "ZImage", "WAN21_T2V", "WAN22_T2V")


def _case_param(name):
    cls = CASES[name].model_class
    return pytest.param(name, marks=compat.requires_host(
        compat.has_model_class(cls), "the model class %s (comfy.supported_models.%s)" % (name, cls)))


@pytest.fixture(scope="module")
def models(comfy):
    """The tiny model of a case, built once for its runs; only the latest case's model is kept (the
    tests run case by case), which keeps the host's between-runs garbage collection quick."""
    cache = {}

    def get(name):
        if name not in cache:
            cache.clear()
            cache[name] = CASES[name].build(seed=0)
        return cache[name]
    return get


def parts(tensor):
    """The parts of an audio+video NestedTensor, or [tensor]."""
    return list(tensor.unbind()) if getattr(tensor, "is_nested", False) else [tensor]


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("name", [_case_param(n) for n in CASES])
def test_kept_region_exact_and_model_calls(models, name, path):
    case = CASES[name]
    model = models(name)
    assert type(model.model.model_config).__name__ == case.model_class
    latent, conds = case.latent(), case.conds()
    stock_model, stock_calls = counting_clone(model)
    stock = run_stock(path, stock_model, latent, conds=conds, steps=STEPS)
    counted, calls = counting_clone(model)
    out = run(path, counted, latent, conds=conds, steps=STEPS, thinking=THINKING)
    per_evaluation, rest = divmod(len(stock_calls), STEPS)
    assert rest == 0 and per_evaluation >= 1, stock_calls
    assert len(calls) == expected_model_calls(STEPS, THINKING, per_evaluation), (len(calls), calls)
    # the host samples a 4-D image latent of a 3-D latent format (Qwen-Image, Krea 2, ...) as [B,C,1,h,w]
    samples = latent["samples"]
    round_trip = parts(mc.host_roundtrip(model, samples if samples.is_nested else samples.reshape(stock.shape)))
    for got, stock_part, given, expected, mask in zip(parts(out), parts(stock), parts(latent["samples"]), round_trip,
                                                      parts(latent["noise_mask"])):
        assert got.shape == stock_part.shape and got.numel() == given.numel(), (got.shape, stock_part.shape)
        got, expected = got.reshape(given.shape), expected.reshape(given.shape)
        keep = ~latent_mask(mask, given.shape)
        assert torch.isfinite(got).all()
        assert keep.any() and (~keep).any(), "the mask must keep and regenerate something"
        assert torch.equal(got[keep], expected[keep]), (got[keep] - expected[keep]).abs().max()
        assert (got[~keep] - given[~keep]).abs().max() > 1e-3, "the masked region was not regenerated"


@pytest.mark.parametrize("name", [_case_param(n) for n in DETECTED])
def test_tiny_model_is_what_the_host_detects(comfy, models, name):
    """The tiny model's own state dict is detected by the host as the same family, and its
    prediction depends on the input and on the conditioning (so the checks above can fail)."""
    from comfy import model_detection
    model = models(name)
    sd = model.model.diffusion_model.state_dict()
    cfg = model_detection.model_config_from_unet(sd, "")
    # the same class, or the base a full-size checkpoint refines (tiny Z-Image reads as Lumina 2:
    # the host tells Z-Image apart by its width, 3840)
    assert cfg is not None and isinstance(model.model.model_config, type(cfg)), type(cfg).__name__
    pos, neg = CASES[name].conds()
    shape = CASES[name].latent()["samples"].shape
    if model.model.latent_format.latent_dimensions == 3 and len(shape) == 4:   # Qwen-Image takes [B,C,1,H,W]
        shape = shape[:2] + (1,) + shape[2:]
    g = torch.Generator().manual_seed(11)
    x1, x2 = torch.randn(shape, generator=g), torch.randn(shape, generator=g)
    d1 = mc.predict_denoised(model, x1, 0.5, pos)
    assert torch.isfinite(d1).all()
    assert (d1 - mc.predict_denoised(model, x2, 0.5, pos)).abs().mean() > 1e-3, "prediction ignores the input"
    assert (d1 - mc.predict_denoised(model, x1, 0.5, neg)).abs().mean() > 1e-4, "prediction ignores the conditioning"


@compat.requires_host(compat.has_model_class("Ideogram4") and compat.has_module("comfy_extras.nodes_ideogram4"),
                      "Ideogram 4 (the Ideogram4 model class and its scheduler node)")
def test_ideogram4_as_its_official_graph_samples_it(comfy):
    """Ideogram 4 runs its unconditional pass on a second model (Dual Model CFG Guider) with its own
    scheduler (Ideogram 4 Scheduler): LanPaint FLD Sampler in SamplerCustomAdvanced under that guider."""
    import comfy_extras.nodes_ideogram4 as ideogram4
    ncs = comfy.nodes_custom_sampler
    model, calls = counting_clone(tiny_dits.tiny_ideogram4(0))
    unconditional = tiny_dits.tiny_ideogram4(1)     # its calls run under the main model's options
    latent = CASES["Ideogram4"].latent()
    positive, _ = fam.text_conds(pooled=False)
    guider = ncs.DualModelGuider.execute(model, positive, 4.0, model_negative=unconditional).result[0]
    sigmas = ideogram4.Ideogram4Scheduler.execute(STEPS, 128, 128, 0.0, 1.75).result[0]
    sampler = node("LanPaintSampler").get_sampler("euler", THINKING, "Image First", **method_defaults())[0]
    out = ncs.SamplerCustomAdvanced.execute(ncs.RandomNoise.execute(1).result[0], guider, sampler, sigmas,
                                            latent).result[0]["samples"]
    given = latent["samples"]
    keep = ~latent_mask(latent["noise_mask"], given.shape)
    assert torch.equal(out[keep], mc.host_roundtrip(model, given)[keep])
    assert (out[~keep] - given[~keep]).abs().max() > 1e-3
    assert len(calls) == expected_model_calls(STEPS, THINKING, per_evaluation=2)   # the two models
