"""Newer model families as tiny seeded models on the real host, through every LanPaint entry point.

Qwen-Image, Qwen-Image-Edit (reference latents in the conditioning), Z-Image, Flux.2, HunyuanImage 2.1
and Chroma (devtools.host.tiny_families.NEWER_FAMILIES, built from the host's own model detection or
config classes), and Wan 2.2 T2V / TI2V 5B on 5-D video latents [B,C,T,h,w]
(devtools.host.video_models; a mask of one frame, which the host spreads over time). For each family and entry point (LanPaint KSampler, KSampler Advanced, Sampler,
Apply LanPaint + stock KSampler): the output has the stock sampler's shape, the kept region is
bit-exactly the host's own latent round trip of the input, the masked region changed, and the model
was called steps x (thinking + 1) times. A family whose model class the host lacks is skipped with
that reason (compat.requires_host).
"""
import pytest
import torch

from devtools.host import compat
from devtools.host import model_calls as mc
from devtools.host import tiny_families as fam
from devtools.host import video_models as vm
from tests.node_runner import NODE_PATHS, counting_clone, latent_mask, run, run_stock

STEPS, THINKING = 3, 2
# family -> (builder, conditioning, latent shape, the supported_models class it needs)
SPECS = {f: (build, lambda f=f: fam.conds_for(f), fam.latent_shape_for(f), cls)
         for f, (build, cls) in fam.NEWER_FAMILIES.items()}
SPECS["wan22_t2v"] = (vm.tiny_wan22_t2v, vm.wan_conds, vm.wan_latent_shape("wan22_t2v"), "WAN21_T2V")
SPECS["wan22_ti2v"] = (vm.tiny_wan22_ti2v, vm.wan_conds, vm.wan_latent_shape("wan22_ti2v"), "WAN22_T2V")


def _family_param(family):
    cls = SPECS[family][3]
    return pytest.param(family, marks=compat.requires_host(
        compat.has_model_class(cls), "the %s model class (comfy.supported_models.%s)" % (family, cls)))


FAMILIES = [_family_param(f) for f in SPECS]


@pytest.fixture(scope="module")
def models(comfy):
    cache = {}

    def get(family):
        if family not in cache:
            cache[family] = SPECS[family][0](seed=0)
        return cache[family]
    return get


def masked_latent(family):
    """A seeded latent of the family with an image-space mask [1,1,8h,8w] on its right half."""
    shape = SPECS[family][2]
    lat = torch.randn(shape, generator=torch.Generator().manual_seed(0))
    return {"samples": lat, "noise_mask": fam.half_mask(shape[-2] * 8, shape[-1] * 8)}


@pytest.mark.parametrize("path", NODE_PATHS)
@pytest.mark.parametrize("family", FAMILIES)
def test_kept_region_exact_and_model_calls(models, family, path):
    model = models(family)
    conds = SPECS[family][1]()
    latent = masked_latent(family)
    lat = latent["samples"]
    counted, calls = counting_clone(model)
    out = run(path, counted, latent, conds=conds, steps=STEPS, thinking=THINKING)
    stock = run_stock(path, model, latent, conds=conds, steps=STEPS)
    assert out.shape == stock.shape and out.numel() == lat.numel(), (out.shape, stock.shape, lat.shape)
    assert torch.isfinite(out).all()
    # Qwen-Image's latent format is 3-D: the host samples a 4-D latent as [B,C,1,H,W] and hands that back
    expected = mc.host_roundtrip(model, lat.reshape(stock.shape)).reshape(lat.shape)
    out = out.reshape(lat.shape)
    keep = ~latent_mask(latent["noise_mask"], lat.shape)
    assert torch.equal(out[keep], expected[keep]), (out[keep] - lat[keep]).abs().max()
    assert (out[~keep] - lat[~keep]).abs().max() > 1e-3, "the masked region was not regenerated"
    assert len(calls) == STEPS * (THINKING + 1), (len(calls), calls)


@pytest.mark.parametrize("family", FAMILIES)
def test_tiny_model_is_what_the_host_detects(comfy, models, family):
    """The tiny model's own state dict is detected by the host as the same family, and its
    prediction depends on the input and on the conditioning (so the checks above can fail)."""
    from comfy import model_detection
    model = models(family)
    sd = model.model.diffusion_model.state_dict()
    cfg = model_detection.model_config_from_unet(sd, "")
    # the same class, or the base a full-size checkpoint refines (tiny Z-Image reads as Lumina 2:
    # the host tells Z-Image apart by its width, 3840)
    assert cfg is not None and isinstance(model.model.model_config, type(cfg)), type(cfg).__name__
    assert isinstance(model.model.model_config, getattr(comfy.supported_models, SPECS[family][3]))
    pos, neg = SPECS[family][1]()
    shape = SPECS[family][2]
    if model.model.latent_format.latent_dimensions == 3 and len(shape) == 4:   # Qwen-Image takes [B,C,1,H,W]
        shape = shape[:2] + (1,) + shape[2:]
    g = torch.Generator().manual_seed(11)
    x1, x2 = torch.randn(shape, generator=g), torch.randn(shape, generator=g)
    d1 = mc.predict_denoised(model, x1, 0.5, pos)
    assert torch.isfinite(d1).all()
    assert (d1 - mc.predict_denoised(model, x2, 0.5, pos)).abs().mean() > 1e-3, "prediction ignores the input"
    assert (d1 - mc.predict_denoised(model, x1, 0.5, neg)).abs().mean() > 1e-4, "prediction ignores the conditioning"
