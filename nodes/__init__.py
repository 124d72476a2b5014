"""ComfyUI adapter: node classes over lanpaint_core. Node ids are fixed; inputs are append-only.
Display names carry the pack's DisplayName ("LanPaint FLD") to stay apart from the older LanPaint pack."""
from .crop_stitch import LanPaintCrop, LanPaintStitch
from .custom_sampling_nodes import ApplyLanPaint, LanPaintSampler
from .demo_nodes import LanPaintDemoClip, LanPaintDemoModelLoader, LanPaintDemoScene, LanPaintDemoVideoModelLoader
from .ksampler_nodes import LanPaintKSampler, LanPaintKSamplerAdvanced
from .mask_blend import LanPaintMaskBlend
from .side_by_side import LanPaintSideBySide
from .video_mask import LanPaintVideoMask

NODE_CLASS_MAPPINGS = {
    "LanPaintKSampler": LanPaintKSampler,
    "LanPaintKSamplerAdvanced": LanPaintKSamplerAdvanced,
    "LanPaintSampler": LanPaintSampler,
    "ApplyLanPaint": ApplyLanPaint,
    "LanPaintMaskBlend": LanPaintMaskBlend,
    "LanPaintDemoModelLoader": LanPaintDemoModelLoader,
    "LanPaintDemoScene": LanPaintDemoScene,
    "LanPaintVideoMask": LanPaintVideoMask,
    "LanPaintCrop": LanPaintCrop,
    "LanPaintStitch": LanPaintStitch,
    "LanPaintSideBySide": LanPaintSideBySide,
    "LanPaintDemoVideoModelLoader": LanPaintDemoVideoModelLoader,
    "LanPaintDemoClip": LanPaintDemoClip,
}
NODE_DISPLAY_NAME_MAPPINGS = {
    "LanPaintKSampler": "LanPaint FLD KSampler",
    "LanPaintKSamplerAdvanced": "LanPaint FLD KSampler (Advanced)",
    "LanPaintSampler": "LanPaint FLD Sampler",
    "ApplyLanPaint": "Apply LanPaint FLD",
    "LanPaintMaskBlend": "LanPaint FLD Mask Blend",
    "LanPaintDemoModelLoader": "LanPaint FLD Demo Model Loader",
    "LanPaintDemoScene": "LanPaint FLD Demo Scene",
    "LanPaintVideoMask": "LanPaint FLD Video Mask (keyframe editor)",
    "LanPaintCrop": "LanPaint FLD Crop",
    "LanPaintStitch": "LanPaint FLD Stitch",
    "LanPaintSideBySide": "LanPaint FLD Side by Side",
    "LanPaintDemoVideoModelLoader": "LanPaint FLD Demo Video Model Loader",
    "LanPaintDemoClip": "LanPaint FLD Demo Clip",
}
