"""GPU check for lanpaint_core (run on a machine with CUDA: `python -m scripts.gpu_check` from the repository root).

Prints: device, whether the inner loop makes any host sync (torch.cuda sync debug mode set to
"error" around the per-step refiner), dtype/device round trip for fp16/bf16 latents, determinism
under a CUDA generator, the time of the Langevin arithmetic against the model calls, and the
crop_padding box math on the device (inpainting a crop pasted back keeps the rest bit-exact).
"""
import sys
import time

import torch

import lanpaint_core as lp
from lanpaint_core.crop import crop, paste_boxes, regen_boxes
from lanpaint_core.langevin import binarize_mask


def conv_denoiser(channels=4, width=64, device="cuda"):
    g = torch.Generator().manual_seed(0)
    net = torch.nn.Sequential(torch.nn.Conv2d(channels, width, 3, padding=1), torch.nn.SiLU(),
                              torch.nn.Conv2d(width, channels, 3, padding=1)).to(device)
    for p in net.parameters():
        p.data = (torch.randn(p.shape, generator=g) * 0.05).to(device)

    @torch.no_grad()
    def denoise(x, sigma):
        c = 1 / torch.sqrt(1 + sigma.reshape(-1, 1, 1, 1).to(x.dtype) ** 2)
        return net.to(x.dtype)(x * c)
    return denoise


def main():
    if not torch.cuda.is_available():
        print("no CUDA device; nothing to check")
        return 1
    dev = torch.device("cuda")
    print("device:", torch.cuda.get_device_name(0), "torch", torch.__version__)
    shape = (2, 4, 128, 128)
    latent = torch.randn(shape, device=dev)
    mask = torch.zeros(2, 1, 128, 128, device=dev)
    mask[..., 32:96, 32:96] = 1
    sigmas = torch.tensor([14.6, 7.0, 3.0, 1.0, 0.3, 0.0])
    den = conv_denoiser()

    # 1. no host syncs inside one refined diffusion step
    refiner = lp.LangevinRefiner(den, latent, binarize_mask(mask), torch.randn(shape, device=dev),
                                 lp.LanPaintParams(), flow=False,
                                 generator=torch.Generator(device=dev).manual_seed(0))
    sigma = torch.full((2,), 3.0, device=dev)
    refiner(latent.clone(), sigma, 5)  # warm-up
    torch.cuda.synchronize()
    torch.cuda.set_sync_debug_mode("error")
    try:
        refiner(latent.clone(), sigma, 5)
        print("inner loop host syncs: none")
    except RuntimeError as e:
        print("inner loop host syncs: FOUND:", str(e).splitlines()[0])
    finally:
        torch.cuda.set_sync_debug_mode(0)

    # 2. dtypes, device, kept region, determinism
    for dtype in (torch.float32, torch.float16, torch.bfloat16):
        lat = latent.to(dtype)
        outs = [lp.inpaint(den, lat, mask, sigmas, thinking_steps=5,
                           generator=torch.Generator(device=dev).manual_seed(1))
                for _ in range(2)]
        keep = (mask < 0.5).expand(shape)
        print(f"{str(dtype):15s} out dtype {outs[0].dtype} device {outs[0].device.type} "
              f"finite {bool(torch.isfinite(outs[0].float()).all())} kept exact {torch.equal(outs[0][keep], lat[keep])} "
              f"deterministic {torch.equal(outs[0], outs[1])}")

    # 3. Langevin arithmetic vs model calls, per diffusion step with 5 thinking steps
    def timed(fn, reps=20):
        torch.cuda.synchronize()
        t = time.perf_counter()
        for _ in range(reps):
            fn()
        torch.cuda.synchronize()
        return (time.perf_counter() - t) / reps * 1e3
    t_step = timed(lambda: refiner(latent, sigma, 5))
    t_model = timed(lambda: den(latent, sigma))
    print(f"one step with 5 thinking steps: {t_step:.2f} ms; 6 model calls: {6 * t_model:.2f} ms; "
          f"overhead {t_step / (6 * t_model):.2f}x")

    # 4. crop_padding's box on the device: inpaint the box, paste it back into the latent
    box, = regen_boxes(mask, 8, 2, tuple(shape[-2:]))   # the box of its one region, found on the device
    part = lp.inpaint(den, crop(latent, box).contiguous(), crop(mask, box).contiguous(), sigmas, thinking_steps=5,
                      generator=torch.Generator(device=dev).manual_seed(1))
    out = paste_boxes(latent, part, (box,))
    outside = torch.ones_like(mask, dtype=torch.bool)
    crop(outside, box).fill_(False)
    print(f"crop box {box} of {tuple(shape[-2:])}: device {out.device.type}, "
          f"outside the box exact {torch.equal(out[outside.expand(shape)], latent[outside.expand(shape)])}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
