"""In-process test harness on a real ComfyUI host (see comfy_env.load_comfy, tiny_models)."""
from .comfy_env import load_comfy, comfy_path, ComfyNotFoundError, REPO_ROOT  # noqa: F401
