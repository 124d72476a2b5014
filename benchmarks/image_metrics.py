"""Picture metrics beyond benchmarks/trained.py's (region MAE, seam, ghosts): PSNR in the hole and SSIM
of the whole picture. Images are ComfyUI IMAGEs [N, H, W, 3] in [0, 1], masks
[N, H, W] with 1 = regenerated.
"""
import torch
import torch.nn.functional as F

SSIM_WINDOW, SSIM_SIGMA = 11, 1.5      # Wang, Bovik, Sheikh, Simoncelli, IEEE TIP 2004
SSIM_C1, SSIM_C2 = 0.01 ** 2, 0.03 ** 2


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
    num = (2 * mu_a * mu_b + SSIM_C1) * (2 * cov + SSIM_C2)
    den = (mu_a ** 2 + mu_b ** 2 + SSIM_C1) * (var_a + var_b + SSIM_C2)
    return (num / den).mean((1, 2, 3))
