"""LanPaint inside ComfyUI's sampling, through the SAMPLER_SAMPLE extension point.

`lanpaint_sample` has the contract of KSAMPLER.sample (same arguments, same result) and differs
only in the denoiser it hands to the sampler function. It serves three entry points:
a SAMPLER_SAMPLE wrapper on a cloned MODEL (LanPaint KSampler nodes, Apply LanPaint), and a
KSAMPLER subclass for SamplerCustom / SamplerCustomAdvanced (LanPaint Sampler).
"""
import logging

import comfy.model_sampling
import comfy.patcher_extension
import comfy.samplers
import torch

from ..lanpaint_core import binarize_mask
from ..lanpaint_core.coordinates import add_noise
from .denoiser import LanPaintDenoiser, thinking_steps
from .inputs import check_latent_values, check_mask_shape
from .progress import CallProgress

WRAPPER_KEY = "lanpaint"
NO_MASK_MESSAGE = "LanPaint: the latent has no noise mask, so this runs as the stock sampler."
log = logging.getLogger("LanPaint")


def _replace_noise(ksampler, noise, extra_args):
    """The noise the replace step reuses; samplers with inpaint_options["random"] (ddim) draw a
    separate one, exactly as the host does, but from a local generator."""
    if not ksampler.inpaint_options.get("random", False):
        return noise
    generator = torch.Generator().manual_seed(extra_args.get("seed", 41) + 1)
    return torch.randn(noise.shape, generator=generator).to(noise.dtype).to(noise.device)


def lanpaint_sample(ksampler, settings, guider, sigmas, extra_args, callback, noise, latent_image,
                    denoise_mask, disable_pbar):
    check_latent_values(latent_image)
    model_sampling = guider.inner_model.model_sampling
    flow = isinstance(model_sampling, comfy.model_sampling.CONST)
    extra_args = dict(extra_args, denoise_mask=denoise_mask)
    replace_noise = _replace_noise(ksampler, noise, extra_args)
    final_sigma = sigmas[-1]
    kept = add_noise(latent_image, replace_noise, final_sigma, flow) if float(final_sigma) > 0 else latent_image

    if not bool(binarize_mask(denoise_mask).any()) and \
            "denoise_mask_function" not in extra_args["model_options"]:
        log.info("LanPaint: the noise mask is empty; returning the input latent without sampling.")
        return model_sampling.inverse_noise_scaling(final_sigma, kept.clone())

    steps = len(sigmas) - 1
    progress = CallProgress(callback, [thinking_steps(settings, i, steps) + 1 for i in range(steps)])
    model_k = LanPaintDenoiser(guider, sigmas, latent_image, replace_noise, settings, flow=flow,
                               progress=progress, seed=extra_args.get("seed"))
    x = model_sampling.noise_scaling(sigmas[0], noise, latent_image, ksampler.max_denoise(guider, sigmas))
    samples = ksampler.sampler_function(model_k, x, sigmas, extra_args=extra_args,
                                        callback=progress.step_done if callback else None,
                                        disable=disable_pbar, **ksampler.extra_options)
    # The kept region is exact whatever the sampler's last step did (ancestral noise, rounding).
    regen = model_k.last_regen if model_k.last_regen is not None else binarize_mask(denoise_mask)
    samples = torch.where(regen, samples, kept.to(samples.dtype))
    return model_sampling.inverse_noise_scaling(final_sigma, samples)


def sampler_sample_wrapper(settings):
    """SAMPLER_SAMPLE wrapper: LanPaint when the latent has a noise mask, else the stock path."""
    def wrapper(executor, guider, sigmas, extra_args, callback, noise, latent_image, denoise_mask,
                disable_pbar):
        ksampler = executor.class_obj
        if isinstance(ksampler, LanPaintKSAMPLER):  # a LanPaint Sampler's own settings win
            return executor(guider, sigmas, extra_args, callback, noise, latent_image, denoise_mask, disable_pbar)
        if denoise_mask is None or not hasattr(ksampler, "sampler_function"):
            log.info(NO_MASK_MESSAGE if denoise_mask is None else
                     f"LanPaint: {type(ksampler).__name__} is not a k-diffusion sampler; running it unchanged.")
            return executor(guider, sigmas, extra_args, callback, noise, latent_image, denoise_mask, disable_pbar)
        return lanpaint_sample(ksampler, settings, guider, sigmas, extra_args, callback, noise,
                               latent_image, denoise_mask, disable_pbar)
    return wrapper


def outer_sample_validator(executor, noise, latent_image, sampler, sigmas, denoise_mask=None, *args, **kwargs):
    """OUTER_SAMPLE wrapper: reject a mask the host would silently stretch, before any model call."""
    if denoise_mask is not None:
        check_mask_shape(denoise_mask, latent_image.shape)
    return executor(noise, latent_image, sampler, sigmas, denoise_mask, *args, **kwargs)


def with_lanpaint(model, settings):
    """A clone of `model` that samples with LanPaint; `model` itself is left untouched."""
    patched = model.clone()
    for wrapper_type, fn in ((comfy.patcher_extension.WrappersMP.SAMPLER_SAMPLE, sampler_sample_wrapper(settings)),
                             (comfy.patcher_extension.WrappersMP.OUTER_SAMPLE, outer_sample_validator)):
        patched.remove_wrappers_with_key(wrapper_type, WRAPPER_KEY)  # newest LanPaint settings win
        patched.add_wrapper_with_key(wrapper_type, WRAPPER_KEY, fn)
    return patched


class LanPaintKSAMPLER(comfy.samplers.KSAMPLER):
    """A SAMPLER for SamplerCustom(Advanced): any host sampler, driven through LanPaint."""

    def __init__(self, sampler_name: str, settings):
        base = comfy.samplers.sampler_object(sampler_name)
        if not isinstance(base, comfy.samplers.KSAMPLER):
            raise ValueError(f"LanPaint cannot drive sampler {sampler_name!r}")
        super().__init__(base.sampler_function, base.extra_options, base.inpaint_options)
        self.settings = settings

    def sample(self, model_wrap, sigmas, extra_args, callback, noise, latent_image=None, denoise_mask=None,
               disable_pbar=False):
        if denoise_mask is None:
            log.info(NO_MASK_MESSAGE)
            return super().sample(model_wrap, sigmas, extra_args, callback, noise, latent_image, denoise_mask,
                                  disable_pbar)
        return lanpaint_sample(self, self.settings, model_wrap, sigmas, extra_args, callback, noise,
                               latent_image, denoise_mask, disable_pbar)
