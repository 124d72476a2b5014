"""The denoiser LanPaint hands to a k-diffusion sampler in place of the host's KSamplerX0Inpaint."""
import math

import torch

from ..lanpaint_core import LangevinRefiner, binarize_mask
from .guidance import with_big_cfg


def continue_from(x: torch.Tensor, refined: torch.Tensor):
    """Make the sampler step from the refined state.

    k-diffusion contract (comfy/k_diffusion/sampling.py): a sampler calls
    `denoised = model(x, sigma, **extra_args)` and then builds its step from the same tensor `x`
    it passed in (`d = to_d(x, sigma, denoised)`, `x = x + d * dt`, ...); it never rebinds `x`
    between that call and the step. Writing the refined state into that tensor is therefore how
    any sampler (Euler, DPM++, ancestral, SDE ...) continues from it.
    """
    x.copy_(refined)


class LanPaintDenoiser:
    """Called by the sampler as model(x, sigma, denoise_mask=..., model_options=..., seed=...).

    At the first evaluation of each scheduled sigma it runs LanPaint's thinking steps and hands the
    refined state on (continue_from). Other evaluations (second-order correctors) get ComfyUI's
    plain masked denoise. One LangevinRefiner serves the run; it is rebuilt only when the mask
    changes (Differential Diffusion's mask function changes it per step).
    Exposes `.inner_model` (the guider), like the host's own, for samplers that read it.

    thinking_plan[i]: the thinking steps before diffusion step i (LanPaintParams.thinking_steps).
    kept_input(x, sigma, denoise_mask): the host's model input for the kept region, for models that
    treat the kept region specially (see host_model.host_kept_input); None: LanPaint's own state.
    """

    def __init__(self, guider, sigmas, latent_image, noise, settings, *, thinking_plan, flow, progress, seed,
                 kept_input=None):
        self.inner_model = guider
        self.sigmas = sigmas
        self.schedule = sigmas.tolist()  # one host read before sampling, none per inner iteration
        self.latent_image = latent_image
        self.noise = noise
        self.settings = settings
        self.thinking_plan = thinking_plan
        self.flow = flow
        self.progress = progress
        self.kept_input = kept_input
        self.generator = torch.Generator(device=noise.device).manual_seed(int(seed or 0) % 2**63)
        self.next_step = 0
        self._mask = None      # the denoise_mask tensor the refiner was built for
        self._regen = None     # its binarised mask (True = regenerate)
        self._refiner = None
        self._call = None      # (denoise_mask, model_options, capture, seed) of the current evaluation

    def _step_index(self, sigma: torch.Tensor):
        """Index i when this call is the first evaluation at scheduled sigma i, else None."""
        value = float(sigma.reshape(-1)[0])
        for i in range(self.next_step, len(self.schedule) - 1):
            if math.isclose(value, self.schedule[i], rel_tol=1e-6, abs_tol=1e-9):
                self.next_step = i + 1
                return i
        return None

    def _refiner_for(self, denoise_mask) -> LangevinRefiner:
        if denoise_mask is not self._mask:
            regen = binarize_mask(denoise_mask)
            if self._regen is None or not torch.equal(regen, self._regen):
                self._regen = regen
                self._refiner = LangevinRefiner(self._model_call, self.latent_image, regen, self.noise,
                                                self.settings.params, flow=self.flow, generator=self.generator)
            self._mask = denoise_mask
        return self._refiner

    def final_regen(self, denoise_mask) -> torch.Tensor:
        """The region the run regenerated (True) -- the last step's mask -- given the sampler's mask."""
        return self._regen if self._regen is not None else binarize_mask(denoise_mask)

    def _model_call(self, x_in, sigma):
        denoise_mask, options, capture, seed = self._call
        if self.kept_input is not None:
            x_in = torch.where(self._regen, x_in, self.kept_input(x_in, sigma, denoise_mask).to(x_in.dtype))
        x0 = self.inner_model(x_in, sigma, model_options=options, seed=seed)
        return x0 if capture is None else (x0, capture.value)

    def __call__(self, x, sigma, denoise_mask=None, model_options={}, seed=None):
        if "denoise_mask_function" in model_options:  # e.g. Differential Diffusion
            denoise_mask = model_options["denoise_mask_function"](
                sigma, denoise_mask, extra_options={"model": self.inner_model, "sigmas": self.sigmas})
        refine = self._refiner_for(denoise_mask)
        options, capture = with_big_cfg(model_options, self.inner_model.cfg, self.settings.big_cfg)
        self._call = (denoise_mask, options, capture, seed)
        step = self._step_index(sigma)
        thinking_steps = 0 if step is None else self.thinking_plan[step]
        on_iteration = None
        if thinking_steps > 0:
            on_iteration = lambda k, x0: self.progress.inner(step, k, x0, x)  # noqa: E731
        x_refined, x0 = refine(x, sigma, thinking_steps, on_iteration)
        if thinking_steps > 0:
            continue_from(x, x_refined)
        return x0.to(x.dtype)
