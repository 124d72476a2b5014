"""LanPaint inside ComfyUI's sampling, through the SAMPLER_SAMPLE extension point.

`lanpaint_sample` mirrors the host's comfy.samplers.KSAMPLER.sample (the one place the adapter
mirrors a host function: same arguments, same result, the host steps listed in MIRRORED_HOST_CALLS,
which a test compares with the host's source) and differs only in the denoiser it hands to the
sampler function. It serves three entry points: a SAMPLER_SAMPLE wrapper on a cloned MODEL
(LanPaint KSampler nodes, Apply LanPaint), and a KSAMPLER subclass for SamplerCustom /
SamplerCustomAdvanced (LanPaint Sampler). With crop_padding it runs the same path on the boxes around
the mask's regions (boxes of one size as one batch), with conditioning cropped to match (crop_region,
crop_conditioning), and pastes the results into the kept latent.
"""
import logging
from typing import NamedTuple

import comfy.model_base
import comfy.model_sampling
import comfy.patcher_extension
import comfy.samplers
import torch

from ..lanpaint_core import binarize_mask
from ..lanpaint_core.coordinates import add_noise
from ..lanpaint_core.crop import paste_boxes
from .crop_conditioning import cropped
from .crop_region import crop_plan, cropped_extra_args, full_size_callback, release
from .denoiser import LanPaintDenoiser, thinking_steps
from .inputs import check_finite_inputs, check_latent_values, check_mask_shape, check_mask_values, check_sigmas
from .progress import CallProgress

WRAPPER_KEY = "lanpaint"
NO_MASK_MESSAGE = "LanPaint: the latent has no noise mask, so this runs as the stock sampler."
log = logging.getLogger("LanPaint")

# The host function lanpaint_sample mirrors and the calls it makes, in source order (dotted names,
# logging left out); tests/test_data_path.py reads them from the host's source and fails when they
# change, so a host update that changes KSAMPLER.sample is looked at before it reaches users.
MIRRORED_HOST_FUNCTION = "comfy.samplers.KSAMPLER.sample"
MIRRORED_HOST_CALLS = (
    "KSamplerX0Inpaint", "self.inpaint_options.get", "torch.manual_seed", "extra_args.get", "torch.randn",
    "model_wrap.inner_model.model_sampling.noise_scaling", "self.max_denoise", "callback",
    "self.sampler_function", "model_wrap.inner_model.model_sampling.inverse_noise_scaling",
)

# ComfyUI's sample_unipc writes this into the last entry of the SIGMAS tensor it is given.
UNIPC_FINAL_SIGMA = 0.001


def _replace_noise(ksampler, noise, extra_args):
    """The noise the replace step reuses; samplers with inpaint_options["random"] (ddim) draw a
    separate one, exactly as the host does, but from a local generator."""
    if not ksampler.inpaint_options.get("random", False):
        return noise
    generator = torch.Generator().manual_seed(extra_args.get("seed", 41) + 1)
    return torch.randn(noise.shape, generator=generator).to(noise.dtype).to(noise.device)


def host_kept_input(model, x, sigma, noise, latent_image, denoise_mask):
    """The model's kept-region input where the host gives it something other than the forward-noised
    latent (model_base.BaseModel.scale_latent_inpaint), else None.

    Some BaseModels treat the kept region specially: Wan 2.2 TI2V 5B (WAN22) and LTX (LTXV, LTXAV)
    label kept tokens timestep 0 (process_timestep, from the mask in the conditioning) and return
    the clean latent from scale_latent_inpaint; Hunyuan Video and Cosmos override it too. For
    those, LanPaint feeds the model exactly what the host would in the kept region (the Langevin
    dynamics then run on the regenerated region given that input); everywhere else the kept region
    carries LanPaint's own state (the BiG dynamics). Decided by comparing the model's method with the
    base class's on the first step, so no list of families is needed.
    """
    def kept(x_in, s, mask):
        return model.scale_latent_inpaint(x=x_in, sigma=s, noise=noise, latent_image=latent_image, denoise_mask=mask)
    sigma_b = sigma.reshape(1).expand(x.shape[0])
    standard = comfy.model_base.BaseModel.scale_latent_inpaint(model, x=x, sigma=sigma_b, noise=noise,
                                                               latent_image=latent_image, denoise_mask=denoise_mask)
    return None if torch.equal(kept(x, sigma_b, denoise_mask), standard) else kept


def lanpaint_sample(ksampler, settings, guider, sigmas, extra_args, callback, noise, latent_image,
                    denoise_mask, disable_pbar):
    sigmas = sigmas.clone()  # some samplers write into it (sample_unipc); the host's tensor is shared
    check_finite_inputs(cfg=float(guider.cfg))
    check_sigmas(sigmas)
    check_latent_values(latent_image)
    check_mask_values(denoise_mask)
    model_sampling = guider.inner_model.model_sampling
    flow = isinstance(model_sampling, comfy.model_sampling.CONST)
    replace_noise = _replace_noise(ksampler, noise, extra_args)
    final_sigma = sigmas[-1]
    if float(final_sigma) == float(torch.tensor(UNIPC_FINAL_SIGMA, dtype=sigmas.dtype)):
        log.warning("LanPaint: the sigmas end at %s, not 0, so the kept region keeps that much noise. "
                    "A stock uni_pc run writes this value into the SIGMAS it is given; give that sampler "
                    "its own scheduler node.", UNIPC_FINAL_SIGMA)
    kept = add_noise(latent_image, replace_noise, final_sigma, flow) if float(final_sigma) > 0 else latent_image

    if not bool(binarize_mask(denoise_mask).any()) and \
            "denoise_mask_function" not in extra_args["model_options"]:
        log.info("LanPaint: the noise mask is empty; returning the input latent without sampling.")
        return model_sampling.inverse_noise_scaling(final_sigma, kept.clone())

    region = Region(noise, latent_image, denoise_mask, replace_noise, kept)
    groups = crop_plan(settings.crop_padding, guider, latent_image, denoise_mask, extra_args["model_options"], sigmas)
    if groups is None:
        samples = _sample_region(ksampler, settings, guider, sigmas, extra_args, callback, region, flow, disable_pbar)
        return model_sampling.inverse_noise_scaling(final_sigma, samples)
    try:
        samples, preview = None, latent_image
        for run, (boxes, group) in enumerate(groups):
            part = _sample_region(ksampler, settings, group.guider, sigmas,
                                  cropped_extra_args(extra_args, denoise_mask, boxes),
                                  full_size_callback(callback, preview, boxes), region.cropped(boxes), flow,
                                  disable_pbar, run=run, runs=len(groups))
            samples = paste_boxes(kept.to(part.dtype) if samples is None else samples, part, boxes)
            preview = paste_boxes(preview, part, boxes) if callback is not None else preview
    finally:
        release(groups)
    return model_sampling.inverse_noise_scaling(final_sigma, samples)


class Region(NamedTuple):
    """The tensors of the sampled latent: the whole latent, or its crops (stacked, box-major)."""
    noise: torch.Tensor
    latent_image: torch.Tensor
    denoise_mask: torch.Tensor
    replace_noise: torch.Tensor
    kept: torch.Tensor  # the output's kept region (the latent, noised to the last sigma)

    def cropped(self, boxes):
        batch = self.latent_image.shape[0]
        return Region(*(cropped(t, boxes, batch) for t in self))


def _sample_region(ksampler, settings, guider, sigmas, extra_args, callback, region, flow, disable_pbar, run=0,
                   runs=1):
    """The sampler's run over `region` (before the model's inverse noise scaling), run `run` of `runs`."""
    model_sampling = guider.inner_model.model_sampling
    extra_args = dict(extra_args, denoise_mask=region.denoise_mask)
    steps = len(sigmas) - 1
    progress = CallProgress(callback, [thinking_steps(settings, i, steps) + 1 for i in range(steps)], run, runs)
    x = model_sampling.noise_scaling(sigmas[0], region.noise, region.latent_image, ksampler.max_denoise(guider, sigmas))
    kept_input = host_kept_input(guider.inner_model, x, sigmas[0], region.replace_noise, region.latent_image,
                                 region.denoise_mask)
    model_k = LanPaintDenoiser(guider, sigmas, region.latent_image, region.replace_noise, settings, flow=flow,
                               progress=progress, seed=extra_args.get("seed"), kept_input=kept_input)
    samples = ksampler.sampler_function(model_k, x, sigmas, extra_args=extra_args,
                                        callback=progress.step_done if callback else None,
                                        disable=disable_pbar, **ksampler.extra_options)
    # The kept region is exact whatever the sampler's last step did (ancestral noise, rounding).
    return torch.where(model_k.final_regen(region.denoise_mask), samples, region.kept.to(samples.dtype))


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
            return executor(guider, sigmas.clone(), extra_args, callback, noise, latent_image, denoise_mask,
                            disable_pbar)
        return lanpaint_sample(ksampler, settings, guider, sigmas, extra_args, callback, noise,
                               latent_image, denoise_mask, disable_pbar)
    return wrapper


def outer_sample_validator(executor, noise, latent_image, sampler, sigmas, denoise_mask=None, *args, **kwargs):
    """OUTER_SAMPLE wrapper: reject a mask the host would silently stretch, before any model call."""
    if denoise_mask is not None:
        check_mask_values(denoise_mask)
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
            return super().sample(model_wrap, sigmas.clone(), extra_args, callback, noise, latent_image, denoise_mask,
                                  disable_pbar)
        return lanpaint_sample(self, self.settings, model_wrap, sigmas, extra_args, callback, noise,
                               latent_image, denoise_mask, disable_pbar)
