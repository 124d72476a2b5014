"""LanPaint KSampler and LanPaint KSampler (Advanced): the stock nodes, sampling with LanPaint."""
import nodes as comfy_nodes  # ComfyUI's own nodes.py

from .inputs import check_mask_shape
from .sampling import with_lanpaint
from .settings import (LanPaintSettings, method_inputs, prompt_mode_input, settings_from_method_inputs,
                       thinking_steps_input)


def _stock_inputs(node_class):
    return dict(node_class.INPUT_TYPES()["required"])


def _sample(model, settings, latent, **kwargs):
    if "noise_mask" in latent:
        check_mask_shape(latent["noise_mask"], latent["samples"].shape)
    return comfy_nodes.common_ksampler(with_lanpaint(model, settings), latent=latent, **kwargs)


class LanPaintKSampler:
    DESCRIPTION = ("KSampler that inpaints with LanPaint: before each diffusion step it 'thinks' for a few "
                   "Langevin steps so the masked region agrees with the rest of the image. Use with a "
                   "latent that has a noise mask (Set Latent Noise Mask / VAE Encode for Inpainting).")
    CATEGORY = "sampling/LanPaint"
    RETURN_TYPES = ("LATENT",)
    OUTPUT_TOOLTIPS = ("The inpainted latent; outside the mask it equals the input latent.",)
    FUNCTION = "sample"

    @classmethod
    def INPUT_TYPES(cls):
        required = _stock_inputs(comfy_nodes.KSampler)
        required["thinking_steps"] = thinking_steps_input()
        required["prompt_mode"] = prompt_mode_input()
        return {"required": required}

    def sample(self, model, seed, steps, cfg, sampler_name, scheduler, positive, negative, latent_image,
               denoise, thinking_steps, prompt_mode):
        settings = LanPaintSettings.from_inputs(thinking_steps, prompt_mode)
        return _sample(model, settings, latent_image, seed=seed, steps=steps, cfg=cfg,
                       sampler_name=sampler_name, scheduler=scheduler, positive=positive,
                       negative=negative, denoise=denoise)


class LanPaintKSamplerAdvanced:
    DESCRIPTION = ("KSampler (Advanced) with LanPaint inpainting and every knob of the method exposed: "
                   "start/end steps, leftover noise, BiG lambda, step size, friction, beta, early stop, "
                   "inner scheme and the BiG CFG scale.")
    CATEGORY = "sampling/LanPaint"
    RETURN_TYPES = ("LATENT",)
    OUTPUT_TOOLTIPS = ("The inpainted latent; outside the mask it equals the input latent (noised, when "
                       "returning with leftover noise).",)
    FUNCTION = "sample"

    @classmethod
    def INPUT_TYPES(cls):
        required = _stock_inputs(comfy_nodes.KSamplerAdvanced)
        required["thinking_steps"] = thinking_steps_input()
        required["prompt_mode"] = prompt_mode_input()
        required.update(method_inputs())
        return {"required": required}

    def sample(self, model, add_noise, noise_seed, steps, cfg, sampler_name, scheduler, positive, negative,
               latent_image, start_at_step, end_at_step, return_with_leftover_noise, thinking_steps,
               prompt_mode, **method):
        settings = settings_from_method_inputs(thinking_steps, prompt_mode, **method)
        return _sample(model, settings, latent_image, seed=noise_seed, steps=steps, cfg=cfg,
                       sampler_name=sampler_name, scheduler=scheduler, positive=positive,
                       negative=negative, denoise=1.0, disable_noise=add_noise == "disable",
                       start_step=start_at_step, last_step=end_at_step,
                       force_full_denoise=return_with_leftover_noise != "enable")

