"""Video masks on 5-D latents (tiny Wan 2.1/2.2 T2V and TI2V 5B): ComfyUI's reading at every entry point.

SetLatentNoiseMask on a video gives [frames, 1, H, W]; comfy.utils.reshape_mask reads dim 0 as
frames for a 5-D latent and resamples it over time (Wan: latent T = (frames - 1) / 4 + 1), for
every video of the batch; a 5-D mask [videos, 1, frames, H, W] holds one mask per video.
"""
import pytest
import torch

from devtools.host import model_calls as mc
from devtools.host import video_models as vm
from tests.call_counts import expected_model_calls
from tests.node_runner import NODE_PATHS, counting_clone, latent_mask, run

FRAMES = 9        # pixel frames; Wan's VAE gives T = 3 latent frames
STEPS, THINKING = 3, 2


@pytest.fixture(scope="module")
def wan(comfy):
    return {family: build(0) for family, build in vm.WAN_BUILDERS.items()}


def _latent(family, batch=1, seed=0):
    shape = vm.wan_latent_shape(family, batch)
    return torch.randn(shape, generator=torch.Generator().manual_seed(seed))


def _per_frame_mask(h, w):
    """[frames, 1, H, W]: right half regenerated, and the whole last third of the clip."""
    mask = torch.zeros(FRAMES, 1, h * 8, w * 8)
    mask[..., w * 4:] = 1
    mask[2 * FRAMES // 3:] = 1
    return mask


def _check(model, latent, mask, path, sampler="euler"):
    counted, calls = counting_clone(model)
    out = run(path, counted, {"samples": latent, "noise_mask": mask}, conds=vm.wan_conds(), steps=STEPS,
              thinking=THINKING, sampler=sampler)
    keep = ~latent_mask(mask, latent.shape)
    assert keep.any() and (~keep).any()
    expected = mc.host_roundtrip(model, latent)
    assert torch.isfinite(out).all()
    assert torch.equal(out[keep], expected[keep]), (out[keep] - expected[keep]).abs().max()
    assert (out[~keep] - latent[~keep]).abs().max() > 1e-3
    return out, calls


@pytest.mark.parametrize("family", list(vm.WAN_BUILDERS))
@pytest.mark.parametrize("path", NODE_PATHS)
def test_per_frame_mask_on_a_video(wan, family, path):
    latent = _latent(family)
    mask = _per_frame_mask(*latent.shape[-2:])
    out, calls = _check(wan[family], latent, mask, path)
    assert len(calls) == expected_model_calls(STEPS, THINKING)
    # the last latent frame is regenerated whole, the first keeps its left half
    assert (out[:, :, -1] - latent[:, :, -1]).abs().amin() > 0
    assert torch.equal(out[:, :, 0, :, :4], mc.host_roundtrip(wan[family], latent)[:, :, 0, :, :4])


@pytest.mark.parametrize("path", NODE_PATHS)
def test_one_frame_mask_broadcasts_over_time(wan, path):
    latent = _latent("wan22_t2v")
    h, w = latent.shape[-2:]
    mask = torch.zeros(1, h * 8, w * 8)
    mask[..., : h * 4, :] = 1
    out, calls = _check(wan["wan22_t2v"], latent, mask, path, sampler="dpmpp_2m")
    assert len(calls) == expected_model_calls(STEPS, THINKING)


@pytest.mark.parametrize("path", NODE_PATHS)
def test_batch_of_videos(wan, path):
    latent = _latent("wan22_t2v", batch=2, seed=3)
    h, w = latent.shape[-2:]
    # one video's frames, used for both videos
    _check(wan["wan22_t2v"], latent, _per_frame_mask(h, w), path)
    # one mask per video: [videos, 1, frames, H, W]
    per_video = torch.zeros(2, 1, FRAMES, h * 8, w * 8)
    per_video[0, ..., w * 4:] = 1
    per_video[1, :, : FRAMES // 2] = 1
    _check(wan["wan22_t2v"], latent, per_video, path, sampler="euler_ancestral")


# The KSampler nodes see the LATENT's own mask. Apply LanPaint and LanPaint Sampler see it only as
# the host hands it on (resized already on newer hosts) and keep what that resized mask keeps.
@pytest.mark.parametrize("path", ("ksampler", "advanced"))
def test_video_mask_that_does_not_fit_is_a_clear_error(wan, path):
    latent = _latent("wan22_t2v", batch=2)
    h, w = latent.shape[-2:]
    counted, calls = counting_clone(wan["wan22_t2v"])
    for mask, message in ((torch.ones(3, 1, FRAMES, h * 8, w * 8), r"noise mask of shape \(3, 1, 9, 64, 64\)"),
                          (torch.ones(FRAMES, 1, h * 8, w * 4), r"noise mask of shape \(9, 1, 64, 32\)")):
        with pytest.raises(ValueError, match=message + ".*videos, 1, frames"):
            run(path, counted, {"samples": latent, "noise_mask": mask}, conds=vm.wan_conds())
    assert calls == []
