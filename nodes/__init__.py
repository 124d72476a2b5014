"""ComfyUI adapter: node classes over lanpaint_core. Node ids are fixed; inputs are append-only."""
from .custom_sampling_nodes import ApplyLanPaint, LanPaintSampler
from .ksampler_nodes import LanPaintKSampler, LanPaintKSamplerAdvanced
from .mask_blend import LanPaintMaskBlend

NODE_CLASS_MAPPINGS = {
    "LanPaintKSampler": LanPaintKSampler,
    "LanPaintKSamplerAdvanced": LanPaintKSamplerAdvanced,
    "LanPaintSampler": LanPaintSampler,
    "ApplyLanPaint": ApplyLanPaint,
    "LanPaintMaskBlend": LanPaintMaskBlend,
}
NODE_DISPLAY_NAME_MAPPINGS = {
    "LanPaintKSampler": "LanPaint KSampler",
    "LanPaintKSamplerAdvanced": "LanPaint KSampler (Advanced)",
    "LanPaintSampler": "LanPaint Sampler",
    "ApplyLanPaint": "Apply LanPaint",
    "LanPaintMaskBlend": "LanPaint Mask Blend",
}
