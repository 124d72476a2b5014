"""Picture metrics beyond benchmarks/trained.py's (region MAE, seam): PSNR in the hole, SSIM of the
whole picture and a count of ghost suns. Images are ComfyUI IMAGEs [N, H, W, 3] in [0, 1], masks
[N, H, W] with 1 = regenerated.
"""
import math

import torch
import torch.nn.functional as F

SSIM_WINDOW, SSIM_SIGMA = 11, 1.5      # Wang, Bovik, Sheikh, Simoncelli, IEEE TIP 2004
SSIM_C1, SSIM_C2 = 0.01 ** 2, 0.03 ** 2
SUN_TOLERANCE = 0.15   # a pixel is sun-coloured when every channel is this close to the scene's sun
GHOST_MIN_PIXELS = 4   # smaller sun-coloured specks are not counted


def region_psnr(result, truth, mask):
    """Per image: 10 log10(1 / MSE) over the mask's pixels (dB)."""
    err = (result - truth).square().mean(-1)
    mse = (err * mask).sum((1, 2)) / mask.sum((1, 2)).clamp(min=1)
    return -10 * torch.log10(mse.clamp(min=1e-10))


def ssim(result, truth):
    """Per image: mean SSIM over pixels and channels, Gaussian window of 11 px, sigma 1.5 (valid part)."""
    half = SSIM_WINDOW // 2
    g = torch.exp(-((torch.arange(SSIM_WINDOW, dtype=torch.float32) - half) ** 2) / (2 * SSIM_SIGMA ** 2))
    g = g / g.sum()
    kernel = (g[:, None] * g[None, :]).expand(3, 1, SSIM_WINDOW, SSIM_WINDOW)
    a, b = result.permute(0, 3, 1, 2).float(), truth.permute(0, 3, 1, 2).float()

    def blur(t):
        return F.conv2d(t, kernel, groups=3)
    mu_a, mu_b = blur(a), blur(b)
    var_a = blur(a * a) - mu_a ** 2
    var_b = blur(b * b) - mu_b ** 2
    cov = blur(a * b) - mu_a * mu_b
    s = ((2 * mu_a * mu_b + SSIM_C1) * (2 * cov + SSIM_C2)) / ((mu_a ** 2 + mu_b ** 2 + SSIM_C1) * (var_a + var_b + SSIM_C2))
    return s.mean((1, 2, 3))


def ghost_suns(result, mask, layouts, size):
    """Per image: sun-coloured blobs (at least GHOST_MIN_PIXELS, 8-connected) that touch the hole but not
    the scene's own sun disc -- a second sun is a visible error. Scenes without a sun count none."""
    from scipy import ndimage
    out = torch.zeros(result.shape[0])
    idx = (torch.arange(size, dtype=torch.float32) + 0.5) / size
    v, u = torch.meshgrid(idx, idx, indexing="ij")
    for i, lay in enumerate(layouts):
        if lay.sun is None:
            continue
        cx, cy, r, colour = lay.sun
        sunny = ((result[i] - torch.tensor(colour)).abs().amax(-1) < SUN_TOLERANCE).numpy()
        own = (torch.sqrt((u - cx) ** 2 + (v - cy) ** 2) < r + 2.0 / size).numpy()
        hole = ndimage.binary_dilation(mask[i].numpy() > 0.5, iterations=1)
        labels, n = ndimage.label(sunny, structure=[[1, 1, 1]] * 3)
        for k in range(1, n + 1):
            blob = labels == k
            if blob.sum() >= GHOST_MIN_PIXELS and (blob & hole).any() and not (blob & own).any():
                out[i] += 1
    return out


def mean_finite(values: torch.Tensor) -> float:
    finite = values[torch.isfinite(values)]
    return float(finite.mean()) if finite.numel() else math.nan
