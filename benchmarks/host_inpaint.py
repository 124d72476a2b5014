"""Run any method written against denoise(x, sigma) -> x0 on a model the real host loaded.

The method runs as a SAMPLER inside the host's own sampling (comfy.sample.sample_custom): the host
loads the model, encodes the conditioning, applies CFG, converts the latent to the model's space and
back and resizes the noise mask to the latent; the method gets the guider as its denoiser, the
processed latent, the resized mask and the schedule. So LanPaint FLD (lanpaint_core.inpaint) and the
baselines of benchmarks/baselines see exactly the same model calls. Import after the host is loaded
(devtools.host.comfy_env.load_comfy).
"""
import torch

import comfy.model_sampling
import comfy.sample
import comfy.samplers


class MethodSampler(comfy.samplers.Sampler):
    """method(denoise, latent, mask, sigmas, *, flow, generator) -> latent, as a host SAMPLER."""

    def __init__(self, method, seed: int):
        self.method = method
        self.seed = seed

    def sample(self, model_wrap, sigmas, extra_args, callback, noise, latent_image=None, denoise_mask=None,
               disable_pbar=False):
        model_sampling = model_wrap.inner_model.model_sampling
        flow = isinstance(model_sampling, comfy.model_sampling.CONST)
        options, seed = extra_args["model_options"], extra_args.get("seed")

        def denoise(x, sigma):
            return model_wrap(x, sigma, model_options=options, seed=seed)

        generator = torch.Generator(device=latent_image.device).manual_seed(self.seed)
        # no graph across steps (the host runs nodes in inference mode); the gradient methods enable
        # grad only around their own backward pass (baselines/steps.residual_gradient)
        with torch.no_grad():
            out = self.method(denoise, latent_image, denoise_mask, sigmas, flow=flow, generator=generator)
        return model_sampling.inverse_noise_scaling(sigmas[-1], out)


def sample(model, conditioning, latents, mask, method, *, steps: int, seed: int, scheduler: str):
    """Inpaint `latents` ([B, C, h, w], the VAE's) under `mask` ([B, 1, H, W] or [B, H, W], 1 =
    regenerate) with `method`, cfg 1, `steps` steps of the host's `scheduler`; returns latents."""
    sigmas = comfy.samplers.calculate_sigmas(model.get_model_object("model_sampling"), scheduler, steps).cpu()
    return comfy.sample.sample_custom(model, torch.zeros_like(latents), 1.0, MethodSampler(method, seed), sigmas,
                                      conditioning, conditioning, latents, noise_mask=mask, seed=seed)
