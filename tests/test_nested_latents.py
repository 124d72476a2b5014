"""Audio+video latents (LTX-2, comfy.nested_tensor.NestedTensor): each part under its own mask.

The host packs the parts into one flat latent for the sampler (CFGGuider.sample), with one mask
per part (a part the mask does not cover gets the host's ones: regenerated, as LTXVConcatAVLatent
does for a stream without a mask). Measured with an exact Gaussian denoiser mounted in the host's
LTXAV BaseModel (devtools.host.video_models.analytic_ltxav_model): a real 1-layer LTX-2 is ~700 M
parameters.
"""
import pytest
import torch

from devtools.host import video_models as vm
from devtools.host.comfy_env import load_comfy
from devtools.host.compat import has_model_class, requires_host
from tests.call_counts import expected_model_calls
from tests.node_runner import NODE_PATHS, counting_clone, run, run_stock


pytestmark = requires_host(has_model_class("LTXAV"), "audio+video NestedTensor latents (the LTXAV model class)")

STEPS, THINKING = 3, 2
VIDEO, AUDIO = (4, 3, 4, 4), (2, 5, 4)     # [C,T,h,w] and [C,t,f]


@pytest.fixture(scope="module")
def ltxav(comfy):
    g = torch.Generator().manual_seed(0)
    model = vm.analytic_ltxav_model(torch.randn(VIDEO, generator=g), 0.7, torch.randn(AUDIO, generator=g), 0.5)
    video = torch.randn((1,) + VIDEO, generator=g)
    audio = torch.randn((1,) + AUDIO, generator=g)
    return model, video, audio


def _nested(*parts):
    return load_comfy().comfy.nested_tensor.NestedTensor(list(parts))


def _masks():
    video_mask = torch.zeros((1, 1) + VIDEO[1:])
    video_mask[..., VIDEO[-1] // 2:] = 1                  # right half of every frame regenerated
    audio_mask = torch.zeros((1,) + AUDIO)
    audio_mask[:, :, 3:] = 1                              # the last two audio frames regenerated
    return video_mask, audio_mask


def _sample(path, model, latent, **kwargs):
    net = model.model.diffusion_model
    net.log.clear()
    net.record = True
    try:
        out = run(path, model, latent, conds=vm.analytic_video_conds(), steps=STEPS, thinking=THINKING, cfg=1.0,
                  **kwargs)
    finally:
        net.record = False
    return out.unbind(), list(net.log)


@pytest.mark.parametrize("path", NODE_PATHS)
def test_each_part_is_inpainted_under_its_own_mask(ltxav, path):
    model, video, audio = ltxav
    video_mask, audio_mask = _masks()
    latent = {"samples": _nested(video, audio), "noise_mask": _nested(video_mask, audio_mask)}
    (out_video, out_audio), seen = _sample(path, model, latent)
    keep_video, keep_audio = (video_mask < 0.5).expand_as(video), audio_mask < 0.5
    assert torch.equal(out_video[keep_video], video[keep_video])
    assert torch.equal(out_audio[keep_audio], audio[keep_audio])
    assert (out_video[~keep_video] - video[~keep_video]).abs().min() > 0
    assert (out_audio[~keep_audio] - audio[~keep_audio]).abs().min() > 0
    # every model call: the clean kept tokens, as the host gives them (LTXAV labels them timestep 0)
    assert len(seen) == expected_model_calls(STEPS, THINKING)
    for (given_video, given_audio), (mask_video, mask_audio) in seen:
        assert torch.equal(given_video[keep_video], video[keep_video])
        assert torch.equal(given_audio[keep_audio], audio[keep_audio])
        assert torch.equal(mask_video >= 0.5, ~keep_video) and torch.equal(mask_audio >= 0.5, ~keep_audio)


def test_a_part_whose_mask_is_empty_is_kept_whole(ltxav):
    model, video, audio = ltxav
    video_mask, _ = _masks()
    latent = {"samples": _nested(video, audio), "noise_mask": _nested(video_mask, torch.zeros((1,) + AUDIO))}
    (out_video, out_audio), _ = _sample("ksampler", model, latent)
    assert torch.equal(out_audio, audio)
    assert not torch.equal(out_video, video)


def test_a_part_without_a_mask_is_read_as_the_host_reads_it(ltxav):
    """A plain mask on an audio+video latent masks the video; the host regenerates the audio whole."""
    model, video, audio = ltxav
    video_mask, _ = _masks()
    latent = {"samples": _nested(video, audio), "noise_mask": video_mask}
    (out_video, out_audio), _ = _sample("ksampler", model, latent)
    stock_video, stock_audio = run_stock("ksampler", model, latent, conds=vm.analytic_video_conds(), steps=STEPS,
                                         cfg=1.0).unbind()
    keep_video = (video_mask < 0.5).expand_as(video)
    assert torch.equal(out_video[keep_video], video[keep_video])
    assert (out_audio - audio).abs().min() > 0 and (stock_audio - audio).abs().min() > 0


def test_nan_in_one_part_of_a_nested_mask_is_named(ltxav):
    model, video, audio = ltxav
    video_mask, audio_mask = _masks()
    audio_mask[0, 0, 0, 0] = float("nan")
    counted, calls = counting_clone(model)
    with pytest.raises(ValueError, match="noise mask contains NaN"):
        run("ksampler", counted, {"samples": _nested(video, audio), "noise_mask": _nested(video_mask, audio_mask)},
            conds=vm.analytic_video_conds())
    assert calls == []


@pytest.mark.parametrize("path", ("ksampler", "advanced"))
def test_a_wrong_audio_mask_is_named_as_audio(ltxav, path):
    """An audio mask of the wrong size names the audio part, its shape and the fix, not image pixels.
    (LanPaint Sampler and Apply LanPaint see the parts only after the host has resized each mask.)"""
    model, video, audio = ltxav
    video_mask, _ = _masks()
    counted, calls = counting_clone(model)
    latent = {"samples": _nested(video, audio), "noise_mask": _nested(video_mask, torch.ones(1, 2, 5, 3))}
    with pytest.raises(ValueError) as err:
        run(path, counted, latent, conds=vm.analytic_video_conds())
    message = str(err.value)
    assert "audio part of the noise mask, of shape (1, 2, 5, 3)" in message, message
    assert "audio latent of shape (1, 2, 5, 4)" in message and "(1, 1, 5, 4)" in message, message
    assert "image" not in message.split("not from")[0], message
    assert calls == []
