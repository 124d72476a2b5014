"""The denoiser LanPaint hands to a k-diffusion sampler in place of the host's KSamplerX0Inpaint."""
import math

import torch

from ..lanpaint_core import LangevinRefiner, binarize_mask
from .guidance import with_big_cfg


def thinking_steps(settings, step: int, steps: int) -> int:
    """Inner iterations before diffusion step `step` of `steps` (none in the early-stop tail)."""
    return settings.n_inner if step < steps - settings.params.early_stop else 0


class LanPaintDenoiser:
    """Called by the sampler as model(x, sigma, denoise_mask=..., model_options=..., seed=...).

    At the first evaluation of each scheduled sigma it runs LanPaint's thinking steps and writes
    the refined state into `x`: k-diffusion samplers step from the tensor they passed in, so this
    is how any sampler (Euler, DPM++, ancestral, SDE ...) continues from the refined state.
    Other evaluations (second-order correctors) get ComfyUI's plain masked denoise.
    Exposes `.inner_model` (the guider), like the host's own, for samplers that read it.
    """

    def __init__(self, guider, sigmas, latent_image, noise, settings, *, flow, progress, seed):
        self.inner_model = guider
        self.sigmas = sigmas
        self.schedule = sigmas.tolist()  # one host read before sampling, none per inner iteration
        self.latent_image = latent_image
        self.noise = noise
        self.settings = settings
        self.flow = flow
        self.progress = progress
        self.generator = torch.Generator(device=noise.device).manual_seed(int(seed or 0) % 2**63)
        self.next_step = 0
        self.last_regen = None

    def _step_index(self, sigma: torch.Tensor):
        """Index i when this call is the first evaluation at scheduled sigma i, else None."""
        value = float(sigma.reshape(-1)[0])
        for i in range(self.next_step, len(self.schedule) - 1):
            if math.isclose(value, self.schedule[i], rel_tol=1e-6, abs_tol=1e-9):
                self.next_step = i + 1
                return i
        return None

    def __call__(self, x, sigma, denoise_mask=None, model_options={}, seed=None):
        if "denoise_mask_function" in model_options:  # e.g. Differential Diffusion
            denoise_mask = model_options["denoise_mask_function"](
                sigma, denoise_mask, extra_options={"model": self.inner_model, "sigmas": self.sigmas})
        regen = binarize_mask(denoise_mask)
        self.last_regen = regen
        options, capture = with_big_cfg(model_options, self.inner_model.cfg, self.settings.big_cfg)

        def denoise(x_in, s):
            x0 = self.inner_model(x_in, s, model_options=options, seed=seed)
            return x0 if capture is None else (x0, capture.value)

        refine = LangevinRefiner(denoise, self.latent_image, regen, self.noise, self.settings.params,
                                 flow=self.flow, generator=self.generator)
        step = self._step_index(sigma)
        n_inner = 0 if step is None else thinking_steps(self.settings, step, len(self.schedule) - 1)
        on_iteration = None
        if n_inner > 0:
            on_iteration = lambda k, x0: self.progress.inner(step, k, x0, x)  # noqa: E731
        x_refined, x0 = refine(x, sigma, n_inner, on_iteration)
        if n_inner > 0:
            x.copy_(x_refined)
        return x0.to(x.dtype)
