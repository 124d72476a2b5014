"""How LanPaint enters the host's sampling: wrappers on a cloned MODEL, and a SAMPLER object.

with_lanpaint (LanPaint KSampler nodes, Apply LanPaint) puts two wrappers on a clone of the MODEL:
OUTER_SAMPLE rejects a mask the host would stretch, before any model call; SAMPLER_SAMPLE hands a
masked latent's run to sampling.lanpaint_sample. LanPaintSamplerObject (LanPaint FLD Sampler) is a
KSAMPLER for SamplerCustom / SamplerCustomAdvanced whose sample is lanpaint_sample. Without a noise
mask both leave the host's own sampling unchanged.
"""
import logging

import comfy.patcher_extension
import comfy.samplers

from .inputs import check_mask_shape, check_mask_values
from .sampling import lanpaint_sample

WRAPPER_KEY = "lanpaint"
NO_MASK_MESSAGE = "LanPaint: the latent has no noise mask, so this runs as the stock sampler."
log = logging.getLogger("LanPaint")


def sampler_sample_wrapper(settings):
    """SAMPLER_SAMPLE wrapper: LanPaint when the latent has a noise mask, else the stock path."""
    def wrapper(executor, guider, sigmas, extra_args, callback, noise, latent_image, denoise_mask,
                disable_pbar):
        ksampler = executor.class_obj
        if isinstance(ksampler, LanPaintSamplerObject):  # a LanPaint Sampler's own settings win
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


class LanPaintSamplerObject(comfy.samplers.KSAMPLER):
    """The SAMPLER object LanPaint FLD Sampler returns, for SamplerCustom(Advanced): any host sampler
    (comfy.samplers.sampler_object), driven through LanPaint."""

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
