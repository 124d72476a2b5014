"""crop_padding: LanPaint samples only the box around the mask, on tiny real models through every node."""
import logging

import pytest
import torch

from devtools.host import tiny_models as tm
from tests.node_runner import NODE_PATHS, run

H = W = 24  # latent pixels


def box_mask(h=H, w=W, rows=(5, 10), cols=(12, 19), batch=1, scale=8):
    """noise_mask at image size: 1 on a rectangle given in latent pixels."""
    m = torch.zeros(batch, 1, h * scale, w * scale)
    m[..., rows[0] * scale:rows[1] * scale, cols[0] * scale:cols[1] * scale] = 1.0
    return m


def latent_for(family, mask, h=H, w=W, seed=0):
    shape = tm.latent_shape_for(family, mask.shape[0], h, w)
    return {"samples": torch.randn(shape, generator=torch.Generator().manual_seed(seed)), "noise_mask": mask}


def shape_recorder(model):
    """A clone of `model` that records the spatial size of every model input."""
    clone, sizes = model.clone(), []

    def wrapper(apply_model, args):
        sizes.append(tuple(args["input"].shape[-2:]))
        return apply_model(args["input"], args["timestep"], **args["c"])
    clone.set_model_unet_function_wrapper(wrapper)
    return clone, sizes


@pytest.fixture(scope="module")
def sdxl(comfy):
    return tm.tiny_sdxl(0), tm.conds_for("sdxl")


@pytest.mark.parametrize("path", NODE_PATHS)
def test_crop_keeps_everything_outside_the_box_and_calls_the_model_on_the_box(sdxl, path):
    model, conds = sdxl
    latent = latent_for("sdxl", box_mask())
    whole = run(path, model, latent, conds=conds)
    recording, sizes = shape_recorder(model)
    cropped = run(path, recording, latent, conds=conds, crop_padding=16)  # 2 latent pixels
    assert set(sizes) == {(5 + 4, 7 + 4)}, sizes
    outside = torch.ones(H, W, dtype=torch.bool)
    outside[3:12, 10:21] = False
    assert torch.equal(cropped[..., outside], whole[..., outside])
    inside = ~outside
    assert (cropped[..., inside] - whole[..., inside]).abs().max() > 1e-3  # the model saw less context
    assert torch.isfinite(cropped).all()


@pytest.mark.parametrize("path", NODE_PATHS)
def test_crop_covering_the_latent_is_the_whole_latent_run(sdxl, path):
    model, conds = sdxl
    latent = latent_for("sdxl", box_mask())
    whole = run(path, model, latent, conds=conds)
    assert torch.equal(run(path, model, latent, conds=conds, crop_padding=16384), whole)
    assert torch.equal(run(path, model, latent, conds=conds, crop_padding=0),
                       run(path, model, latent, conds=conds, crop_padding=0))  # same seed, same output
