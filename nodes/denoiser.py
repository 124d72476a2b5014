"""The denoiser LanPaint hands to a k-diffusion sampler in place of the host's KSamplerX0Inpaint, and the
thinking it does between the sampler's runs (thinking_run.py drives both)."""
import torch

from ..lanpaint_core import LangevinRefiner, binarize_mask
from .guidance import with_big_cfg


class LanPaintDenoiser:
    """Called by the sampler as model(x, sigma, denoise_mask=..., model_options=..., seed=...).

    think() runs a diffusion step's thinking steps on the state the sampler will start from; the
    sampler's model calls from there to the next thinking step evaluate the state as it is (the
    method's final denoise, then the joint state the thinking left, carried by the sampler). Calls
    before the first thinking step are ComfyUI's plain masked denoise (the kept region replaced by the
    forward-noised latent). One LangevinRefiner serves the run; it is rebuilt only when the mask
    changes (Differential Diffusion's mask function changes it per step) and carries the run on.
    Exposes `.inner_model` (the guider), like the host's own, for samplers that read it.

    kept_input(x, sigma, denoise_mask): the host's model input for the kept region, for models that
    treat the kept region specially (see host_model.host_kept_input); None: LanPaint's own state.
    """

    def __init__(self, guider, sigmas, latent_image, noise, settings, *, flow, seed, kept_input=None):
        self.inner_model = guider
        self.sigmas = sigmas
        self.latent_image = latent_image
        self.noise = noise
        self.settings = settings
        self.flow = flow
        self.kept_input = kept_input
        self.generator = torch.Generator(device=noise.device).manual_seed(int(seed or 0) % 2**63)
        self._mask = None          # the denoise_mask tensor the refiner was built for
        self._regen = None         # its binarised mask (True = regenerate)
        self._refiner = None
        self._call = None          # (denoise_mask, model_options, capture, seed) of the current evaluation
        self._thought = False      # the next call is think()'s diffusion step: its mask and options

    def think(self, x, sigma, thinking_steps, extra_args, on_iteration=None):
        """x refined by `thinking_steps` thinking steps at noise level sigma ([batch]); x is not modified."""
        refine = self._prepare(sigma, extra_args.get("denoise_mask"), extra_args.get("model_options", {}),
                               extra_args.get("seed"))
        self._thought = thinking_steps > 0
        return refine.think(x, sigma, thinking_steps, on_iteration).to(x.dtype)

    def __call__(self, x, sigma, denoise_mask=None, model_options=None, seed=None):
        if self._thought:
            self._thought = False
            refine = self._refiner
        else:
            refine = self._prepare(sigma, denoise_mask, model_options or {}, seed)
        evaluate = refine.denoised if refine.carries_state else refine.denoised_replaced
        return evaluate(x, sigma).to(x.dtype)

    def final_regen(self, denoise_mask) -> torch.Tensor:
        """The region the run regenerated (True) -- the last step's mask -- given the sampler's mask."""
        return self._regen if self._regen is not None else binarize_mask(denoise_mask)

    def _prepare(self, sigma, denoise_mask, model_options, seed) -> LangevinRefiner:
        """The refiner for this evaluation's mask, with the evaluation's model options set for its calls."""
        if "denoise_mask_function" in model_options:  # e.g. Differential Diffusion
            denoise_mask = model_options["denoise_mask_function"](
                sigma, denoise_mask, extra_options={"model": self.inner_model, "sigmas": self.sigmas})
        options, capture = with_big_cfg(model_options, self.inner_model.cfg, self.settings.big_cfg)
        self._call = (denoise_mask, options, capture, seed)
        return self._refiner_for(denoise_mask)

    def _refiner_for(self, denoise_mask) -> LangevinRefiner:
        if denoise_mask is not self._mask:
            regen = binarize_mask(denoise_mask)
            if self._regen is None or not torch.equal(regen, self._regen):
                self._regen = regen
                refiner = LangevinRefiner(self._model_call, self.latent_image, regen, self.noise,
                                          self.settings.params, flow=self.flow, generator=self.generator)
                self._refiner = refiner if self._refiner is None else refiner.continue_run(self._refiner)
            self._mask = denoise_mask
        return self._refiner

    def _model_call(self, x_in, sigma):
        denoise_mask, options, capture, seed = self._call
        if self.kept_input is not None:
            x_in = torch.where(self._regen, x_in, self.kept_input(x_in, sigma, denoise_mask).to(x_in.dtype))
        x0 = self.inner_model(x_in, sigma, model_options=options, seed=seed)
        return x0 if capture is None else (x0, capture.value)
