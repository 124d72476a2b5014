"""What the bundled workflows name: the pack, the hosts, the example inputs and the model files.

Read by the family records (families.py), the builder (builder.py), the thumbnails and the tests.
"""
from __future__ import annotations

import tomllib

from devtools.lanpaint_pack import REPO_ROOT

PACK_NODES = {"LanPaintKSampler", "LanPaintKSamplerAdvanced", "LanPaintSampler", "ApplyLanPaint",
              "LanPaintMaskBlend", "LanPaintDemoModelLoader", "LanPaintDemoScene", "LanPaintVideoMask",
              "LanPaintCrop", "LanPaintStitch", "LanPaintSideBySide", "LanPaintDemoVideoModelLoader",
              "LanPaintDemoClip"}
_PYPROJECT = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())
PACK_CNR_ID = _PYPROJECT["project"]["name"]                 # registry id, saved with our nodes
PACK_DISPLAY_NAME = _PYPROJECT["tool"]["comfy"]["DisplayName"]  # heads the thumbnails
OLDEST_HOST = "0.3.75"            # the pinned PyPI host: the minimum of the original workflows
NEWER_HOST = "0.33.0"             # the host whose nodes the newer-family workflows need
EXAMPLE_IMAGE = "example.png"     # ComfyUI ships input/example.png; users pick their own image
EXAMPLE_VIDEO = "video.mp4"       # the user's video (4k + 1 frames)
# crop_padding of the workflows made for big pictures (image pixels of context around the mask);
# benchmarks/crop.py measures what each padding costs in time and in exactness.
WORKFLOW_CROP_PADDING = 128

# ----------------------------------------------------------------------------- model files
# file name -> (download URL, folder under ComfyUI/models/)
HF = "https://huggingface.co/"
MODELS = {
    "sd_xl_base_1.0.safetensors": (HF + "stabilityai/stable-diffusion-xl-base-1.0/resolve/main/"
                                   "sd_xl_base_1.0.safetensors", "checkpoints"),
    "sd3.5_large.safetensors": (HF + "stabilityai/stable-diffusion-3.5-large/resolve/main/"
                                "sd3.5_large.safetensors", "checkpoints"),
    "clip_g.safetensors": (HF + "stabilityai/stable-diffusion-3.5-large/resolve/main/text_encoders/"
                           "clip_g.safetensors", "text_encoders"),
    "clip_l.safetensors": (HF + "comfyanonymous/flux_text_encoders/resolve/main/clip_l.safetensors",
                           "text_encoders"),
    "t5xxl_fp16.safetensors": (HF + "comfyanonymous/flux_text_encoders/resolve/main/t5xxl_fp16.safetensors",
                               "text_encoders"),
    "flux1-dev.safetensors": (HF + "Comfy-Org/flux1-dev/resolve/main/flux1-dev.safetensors", "diffusion_models"),
    "ae.safetensors": (HF + "Comfy-Org/Lumina_Image_2.0_Repackaged/resolve/main/split_files/vae/ae.safetensors",
                       "vae"),
    "hidream_i1_dev_bf16.safetensors": (HF + "Comfy-Org/HiDream-I1_ComfyUI/resolve/main/split_files/"
                                        "diffusion_models/hidream_i1_dev_bf16.safetensors", "diffusion_models"),
    "clip_l_hidream.safetensors": (HF + "Comfy-Org/HiDream-I1_ComfyUI/resolve/main/split_files/text_encoders/"
                                   "clip_l_hidream.safetensors", "text_encoders"),
    "clip_g_hidream.safetensors": (HF + "Comfy-Org/HiDream-I1_ComfyUI/resolve/main/split_files/text_encoders/"
                                   "clip_g_hidream.safetensors", "text_encoders"),
    "t5xxl_fp8_e4m3fn_scaled.safetensors": (HF + "Comfy-Org/HiDream-I1_ComfyUI/resolve/main/split_files/"
                                            "text_encoders/t5xxl_fp8_e4m3fn_scaled.safetensors", "text_encoders"),
    "llama_3.1_8b_instruct_fp8_scaled.safetensors": (HF + "Comfy-Org/HiDream-I1_ComfyUI/resolve/main/split_files/"
                                                     "text_encoders/llama_3.1_8b_instruct_fp8_scaled.safetensors",
                                                     "text_encoders"),
    # newer families (URLs as in ComfyUI's own workflow templates)
    "z_image_turbo_bf16.safetensors": (HF + "Comfy-Org/z_image_turbo/resolve/main/split_files/diffusion_models/"
                                       "z_image_turbo_bf16.safetensors", "diffusion_models"),
    "qwen_3_4b.safetensors": (HF + "Comfy-Org/z_image_turbo/resolve/main/split_files/text_encoders/"
                              "qwen_3_4b.safetensors", "text_encoders"),
    "qwen_image_edit_2509_fp8_e4m3fn.safetensors": (HF + "Comfy-Org/Qwen-Image-Edit_ComfyUI/resolve/main/split_files/"
                                                    "diffusion_models/qwen_image_edit_2509_fp8_e4m3fn.safetensors",
                                                    "diffusion_models"),
    "qwen_2.5_vl_7b_fp8_scaled.safetensors": (HF + "Comfy-Org/Qwen-Image_ComfyUI/resolve/main/split_files/"
                                              "text_encoders/qwen_2.5_vl_7b_fp8_scaled.safetensors", "text_encoders"),
    "qwen_image_vae.safetensors": (HF + "Comfy-Org/Qwen-Image_ComfyUI/resolve/main/split_files/vae/"
                                   "qwen_image_vae.safetensors", "vae"),
    "flux2_dev_fp8mixed.safetensors": (HF + "Comfy-Org/flux2-dev/resolve/main/split_files/diffusion_models/"
                                       "flux2_dev_fp8mixed.safetensors", "diffusion_models"),
    "mistral_3_small_flux2_fp8.safetensors": (HF + "Comfy-Org/flux2-dev/resolve/main/split_files/text_encoders/"
                                              "mistral_3_small_flux2_fp8.safetensors", "text_encoders"),
    "flux2-vae.safetensors": (HF + "Comfy-Org/flux2-dev/resolve/main/split_files/vae/flux2-vae.safetensors", "vae"),
    "wan2.2_t2v_low_noise_14B_fp8_scaled.safetensors": (HF + "Comfy-Org/Wan_2.2_ComfyUI_Repackaged/resolve/main/"
                                                         "split_files/diffusion_models/"
                                                         "wan2.2_t2v_low_noise_14B_fp8_scaled.safetensors",
                                                         "diffusion_models"),
    "umt5_xxl_fp8_e4m3fn_scaled.safetensors": (HF + "Comfy-Org/Wan_2.1_ComfyUI_repackaged/resolve/main/split_files/"
                                               "text_encoders/umt5_xxl_fp8_e4m3fn_scaled.safetensors", "text_encoders"),
    "wan_2.1_vae.safetensors": (HF + "Comfy-Org/Wan_2.2_ComfyUI_Repackaged/resolve/main/split_files/vae/"
                                "wan_2.1_vae.safetensors", "vae"),
    "wan2.2_ti2v_5B_fp16.safetensors": (HF + "Comfy-Org/Wan_2.2_ComfyUI_Repackaged/resolve/main/split_files/"
                                        "diffusion_models/wan2.2_ti2v_5B_fp16.safetensors", "diffusion_models"),
    "wan2.2_vae.safetensors": (HF + "Comfy-Org/Wan_2.2_ComfyUI_Repackaged/resolve/main/split_files/vae/"
                               "wan2.2_vae.safetensors", "vae"),
    "v1-5-pruned-emaonly-fp16.safetensors": (HF + "Comfy-Org/stable-diffusion-v1-5-archive/resolve/main/"
                                             "v1-5-pruned-emaonly-fp16.safetensors", "checkpoints"),
    "qwen_image_fp8_e4m3fn.safetensors": (HF + "Comfy-Org/Qwen-Image_ComfyUI/resolve/main/split_files/"
                                          "diffusion_models/qwen_image_fp8_e4m3fn.safetensors", "diffusion_models"),
    "Chroma1-HD.safetensors": (HF + "lodestones/Chroma1-HD/resolve/main/Chroma1-HD.safetensors", "diffusion_models"),
    "hunyuanimage2.1_bf16.safetensors": (HF + "Comfy-Org/HunyuanImage_2.1_ComfyUI/resolve/main/split_files/"
                                         "diffusion_models/hunyuanimage2.1_bf16.safetensors", "diffusion_models"),
    "byt5_small_glyphxl_fp16.safetensors": (HF + "Comfy-Org/HunyuanImage_2.1_ComfyUI/resolve/main/split_files/"
                                            "text_encoders/byt5_small_glyphxl_fp16.safetensors", "text_encoders"),
    "hunyuan_image_2.1_vae_fp16.safetensors": (HF + "Comfy-Org/HunyuanImage_2.1_ComfyUI/resolve/main/split_files/"
                                               "vae/hunyuan_image_2.1_vae_fp16.safetensors", "vae"),
    "flux-2-klein-4b.safetensors": (HF + "black-forest-labs/FLUX.2-klein-4B/resolve/main/flux-2-klein-4b.safetensors",
                                    "diffusion_models"),
    "krea2_turbo_fp8_scaled.safetensors": (HF + "Comfy-Org/Krea-2/resolve/main/diffusion_models/"
                                           "krea2_turbo_fp8_scaled.safetensors", "diffusion_models"),
    "qwen3vl_4b_fp8_scaled.safetensors": (HF + "Comfy-Org/Krea-2/resolve/main/text_encoders/"
                                          "qwen3vl_4b_fp8_scaled.safetensors", "text_encoders"),
    "kandinsky5lite_t2i.safetensors": (HF + "kandinskylab/Kandinsky-5.0-T2I-Lite/resolve/main/model/"
                                       "kandinsky5lite_t2i.safetensors", "diffusion_models"),
    "Chroma1-Radiance-v0.4.safetensors": (HF + "lodestones/Chroma1-Radiance/resolve/main/"
                                          "Chroma1-Radiance-v0.4.safetensors", "diffusion_models"),
    "hidream_o1_image_bf16.safetensors": (HF + "Comfy-Org/HiDream-O1-Image/resolve/main/checkpoints/"
                                          "hidream_o1_image_bf16.safetensors", "checkpoints"),
    "ideogram4_fp8_scaled.safetensors": (HF + "Comfy-Org/Ideogram-4/resolve/main/diffusion_models/"
                                         "ideogram4_fp8_scaled.safetensors", "diffusion_models"),
    "ideogram4_unconditional_fp8_scaled.safetensors": (HF + "Comfy-Org/Ideogram-4/resolve/main/diffusion_models/"
                                                       "ideogram4_unconditional_fp8_scaled.safetensors",
                                                       "diffusion_models"),
    "qwen3vl_8b_fp8_scaled.safetensors": (HF + "Comfy-Org/Qwen3-VL/resolve/main/text_encoders/"
                                          "qwen3vl_8b_fp8_scaled.safetensors", "text_encoders"),
    "minimax_h3_fl2va_pruned_int8_convrot.safetensors": (HF + "Comfy-Org/MiniMax-H3/resolve/main/diffusion_models/"
                                                         "minimax_h3_fl2va_pruned_int8_convrot.safetensors",
                                                         "diffusion_models"),
    "qwen3vl_32b_minimax_h3_nvfp4_awq.safetensors": (HF + "Comfy-Org/MiniMax-H3/resolve/main/text_encoders/"
                                                     "qwen3vl_32b_minimax_h3_nvfp4_awq.safetensors", "text_encoders"),
    "minimax_h3_video_vae_fp16.safetensors": (HF + "Comfy-Org/MiniMax-H3/resolve/main/vae/"
                                              "minimax_h3_video_vae_fp16.safetensors", "vae"),
    "minimax_h3_audio_vae_fp32.safetensors": (HF + "Comfy-Org/MiniMax-H3/resolve/main/vae/"
                                              "minimax_h3_audio_vae_fp32.safetensors", "vae"),
}
