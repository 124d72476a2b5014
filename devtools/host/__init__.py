"""In-process test harness on a real ComfyUI host.

comfy_env (load_comfy: the host, in-process), compat (every difference between the tested hosts),
tiny_models and video_models (tiny real architectures with seeded weights), tiny_families (each
family's builder, conditioning and latent shape), analytic_models (exact Gaussian denoisers in real
BaseModels), stand_ins (tokenizer, text encoder and VAE for the test pack's loaders), model_calls
(sigmas, one direct denoiser call, the host's latent round trip).
"""
from .comfy_env import load_comfy, comfy_path, ComfyNotFoundError  # noqa: F401
