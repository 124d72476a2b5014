"""LanPaint's copy of the host's sample function: `lanpaint_sample` mirrors
comfy.samplers.KSAMPLER.sample of ComfyUI 0.3.75 and 0.33.0 (the same steps in both; 0.33.0 also
logs the first step from its callback).

It takes the host's arguments (after the KSAMPLER and LanPaint's settings) and gives the host's
result; the host calls it mirrors are listed in MIRRORED_HOST_CALLS, which tests/test_data_path.py
compares with the host's source, so reviewing a host update is one diff of KSAMPLER.sample against
this module. It differs in the denoiser it hands to the sampler function (LanPaintDenoiser in
place of KSamplerX0Inpaint), checks its inputs first and sets the kept region back exactly at the
end. With crop_padding it runs the same steps on the boxes around the mask's regions (boxes of one
size as one batch), with conditioning cropped to match (crop_region, crop_conditioning), and pastes
the results into the kept latent. How the host reaches it is in hooks.py.
"""
import logging
from typing import NamedTuple

import comfy.model_sampling
import torch

from ..lanpaint_core import binarize_mask
from ..lanpaint_core.coordinates import add_noise
from ..lanpaint_core.crop import paste_boxes
from .crop_conditioning import cropped
from .crop_region import crop_plan, cropped_extra_args, full_size_callback, release
from .denoiser import LanPaintDenoiser
from .host_model import host_kept_input
from .inputs import check_finite_inputs, check_inpaintable, check_latent_values, check_mask_values, check_sigmas
from .progress import CallProgress

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


def lanpaint_sample(ksampler, settings, guider, sigmas, extra_args, callback, noise, latent_image,
                    denoise_mask, disable_pbar):
    """KSAMPLER.sample of `ksampler` (guider as model_wrap), sampling with LanPaint `settings`."""
    sigmas = sigmas.clone()  # some samplers write into it (sample_unipc); the host's tensor is shared
    check_inpaintable(guider.inner_model)
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
    thinking_plan = [settings.params.thinking_steps(settings.thinking_steps, i, steps) for i in range(steps)]
    progress = CallProgress(callback, [n + 1 for n in thinking_plan], run, runs)  # a thinking step: one model call
    x = model_sampling.noise_scaling(sigmas[0], region.noise, region.latent_image, ksampler.max_denoise(guider, sigmas))
    kept_input = host_kept_input(guider.inner_model, x, sigmas[0], region.replace_noise, region.latent_image,
                                 region.denoise_mask)
    model_k = LanPaintDenoiser(guider, sigmas, region.latent_image, region.replace_noise, settings,
                               thinking_plan=thinking_plan, flow=flow, progress=progress,
                               seed=extra_args.get("seed"), kept_input=kept_input)
    samples = ksampler.sampler_function(model_k, x, sigmas, extra_args=extra_args,
                                        callback=progress.step_done if callback else None,
                                        disable=disable_pbar, **ksampler.extra_options)
    # The kept region is exact whatever the sampler's last step did (ancestral noise, rounding).
    return torch.where(model_k.final_regen(region.denoise_mask), samples, region.kept.to(samples.dtype))
