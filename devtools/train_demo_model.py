"""Train the demo model (devtools/demo_model.py) on CPU: first the VAE, then the UNet on its latents.

    COMFYUI_PATH=... python -m devtools.train_demo_model [--seed 0] [--threads 1]

Deterministic: one seed drives initialisation, batches and noise; the thread count is fixed (default
1; results are bit-identical only for the same thread count and torch build). Scenes come from
seeds < 100000 only (VAE: 50000 + i, UNet: 0 .. scenes-1); held-out seeds start at 100000.
Writes devtools/weights/demo_vae.safetensors, demo_unet.safetensors (EMA weights) and training.json
(command, seed, steps, wall times, final losses), then docs/demo_model_samples.png: unconditional
samples of the stock KSampler with the committed weights. Progress is printed as it goes.
"""
from __future__ import annotations

import argparse
import json
import math
import platform
import sys
import time
from pathlib import Path

import torch

from devtools.host.comfy_env import load_comfy

REPO_ROOT = Path(__file__).resolve().parents[1]
VAE_SCENE_OFFSET = 50000
SAMPLES_PNG = REPO_ROOT / "docs" / "demo_model_samples.png"


def torch_init(module: torch.nn.Module, seed: int):
    """PyTorch's own initialisers on every layer (comfy.ops layers skip theirs)."""
    torch.manual_seed(seed)
    for m in module.modules():
        for base in (torch.nn.Conv1d, torch.nn.Conv2d, torch.nn.Conv3d, torch.nn.Linear,
                     torch.nn.GroupNorm, torch.nn.LayerNorm):
            if isinstance(m, base):
                base.reset_parameters(m)
                break
    for p in module.parameters():
        p.requires_grad_(True)
    return module


def render_batch(seeds, size):
    from devtools.demo_model import scene
    return torch.cat([scene(int(s), size) for s in seeds]).permute(0, 3, 1, 2).contiguous()   # [B,3,H,W] in [0,1]


def lr_at(step, steps, peak, warmup=100):
    if step < warmup:
        return peak * (step + 1) / warmup
    return peak * (0.05 + 0.95 * 0.5 * (1 + math.cos(math.pi * (step - warmup) / max(1, steps - warmup))))


def log(msg):
    print(msg, flush=True)


# ----------------------------------------------------------------------------- VAE
def train_vae(steps, batch, crop, seed, size):
    from devtools.demo_model import build_vae_module
    vae = torch_init(build_vae_module(), seed)
    opt = torch.optim.Adam(vae.parameters(), lr=1e-3)
    gen = torch.Generator().manual_seed(seed)
    losses = []
    t0 = time.time()
    for step in range(steps):
        for group in opt.param_groups:
            group["lr"] = lr_at(step, steps, 1e-3, warmup=20)
        x = render_batch(range(VAE_SCENE_OFFSET + step * batch, VAE_SCENE_OFFSET + (step + 1) * batch), size)
        # 8-aligned crops when crop < size; full pictures by default: GroupNorm statistics of crops
        # differ from whole pictures' (a crop-trained VAE shifted colours on full pictures)
        oy, ox = (8 * torch.randint(0, (size - crop) // 8 + 1, (2,), generator=gen)).tolist()
        x = x[:, :, oy:oy + crop, ox:ox + crop] * 2 - 1
        z, _ = vae.regularization(vae.quant_conv(vae.encoder(x)))          # the posterior mode, as encode()
        recon = vae.decoder(vae.post_quant_conv(z))
        l1 = (recon - x).abs().mean()
        loss = l1 + 1e-4 * z.pow(2).mean()
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(vae.parameters(), 1.0)
        opt.step()
        losses.append(l1.item())
        if step % 25 == 0 or step == steps - 1:
            log("[vae] step %4d/%d  L1 %.4f  (%.0f s)" % (step, steps, l1.item(), time.time() - t0))
    for p in vae.parameters():
        p.requires_grad_(False)
    return vae.eval(), losses, time.time() - t0


@torch.no_grad()
def normalise_latents(vae, size, scale):
    """Fold a per-channel affine map into quant_conv / post_quant_conv so that encode() gives latents
    with zero mean and std 1/scale per channel (SD XL's latent format multiplies by ``scale``)."""
    x = render_batch(range(VAE_SCENE_OFFSET - 512, VAE_SCENE_OFFSET), size) * 2 - 1
    z, _ = vae.regularization(vae.quant_conv(vae.encoder(x)))
    mean = z.mean((0, 2, 3))
    k = 1.0 / (z.std((0, 2, 3)) * scale)
    c = mean.numel()
    q, p = vae.quant_conv, vae.post_quant_conv
    q.weight[:c] *= k.view(c, 1, 1, 1)
    q.bias[:c] = k * (q.bias[:c] - mean)
    p.bias += (p.weight[:, :, 0, 0] * mean.view(1, c)).sum(1)
    p.weight /= k.view(1, c, 1, 1)
    return {"latent_mean_before": mean.tolist(), "latent_std_before": (1.0 / (k * scale)).tolist()}


# ----------------------------------------------------------------------------- UNet
@torch.no_grad()
def encode_dataset(vae, n, size, scale):
    out = []
    for i in range(0, n, 64):
        x = render_batch(range(i, min(n, i + 64)), size) * 2 - 1
        z, _ = vae.regularization(vae.quant_conv(vae.encoder(x)))
        out.append(z * scale)               # model space (SD XL process_latent_in)
        if i % 1024 == 0:
            log("[data] encoded %d/%d scenes" % (i, n))
    return torch.cat(out)


def train_unet(latents, steps, batch, seed):
    from devtools.demo_model import build_unet_model, unconditional_parameter
    model = build_unet_model()
    net = torch_init(model.diffusion_model, seed + 1)
    with torch.no_grad():
        for name, p in net.named_parameters():
            if unconditional_parameter(name) or name.startswith("out.2."):
                p.zero_()
            if unconditional_parameter(name):
                p.requires_grad_(False)
    trainable = [p for p in net.parameters() if p.requires_grad]
    ema = {k: v.detach().clone() for k, v in net.state_dict().items()}
    opt = torch.optim.AdamW(trainable, lr=2e-3, weight_decay=0.0)
    ms = model.model_sampling
    gen = torch.Generator().manual_seed(seed + 2)
    n = latents.shape[0]
    context = torch.zeros(batch, 7, 64)
    y = torch.zeros(batch, net.label_emb[0][0].in_features)
    losses = []
    t0 = time.time()
    for step in range(steps):
        for group in opt.param_groups:
            group["lr"] = lr_at(step, steps, 2e-3)
        x0 = latents[torch.randint(0, n, (batch,), generator=gen)]
        t = torch.randint(0, len(ms.sigmas), (batch,), generator=gen)
        sigma = ms.sigmas[t]
        noise = torch.randn(x0.shape, generator=gen)
        x = x0 + sigma.view(-1, 1, 1, 1) * noise
        out = net(ms.calculate_input(sigma, x), timesteps=ms.timestep(sigma).float(), context=context, y=y)
        loss = (out - noise).pow(2).mean()
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(trainable, 1.0)
        opt.step()
        decay = min(0.999, (1 + step) / (10 + step))
        with torch.no_grad():
            for k, v in net.state_dict().items():
                ema[k].mul_(decay).add_(v.detach(), alpha=1 - decay)
        losses.append(loss.item())
        if step % 100 == 0 or step == steps - 1:
            log("[unet] step %5d/%d  loss %.4f  mean(last 100) %.4f  (%.0f s)"
                % (step, steps, loss.item(), sum(losses[-100:]) / len(losses[-100:]), time.time() - t0))
    return ema, losses, time.time() - t0


# ----------------------------------------------------------------------------- samples
@torch.no_grad()
def save_sample_grid(path: Path, n=16, seed=0, steps=20):
    """Unconditional samples of the committed model through the host's KSampler, as a 4-row grid."""
    from PIL import Image
    from devtools import demo_model
    env = load_comfy()
    model, clip, vae = demo_model.load()
    (cond,) = env.nodes.CLIPTextEncode().encode(clip, demo_model.PROMPT)
    h = demo_model.SIZE // 8
    latent = {"samples": torch.zeros(n, 4, h, h)}
    (out,) = env.nodes.common_ksampler(model, seed, steps, 1.0, "euler", "normal", cond, cond, latent)
    images = vae.decode(out["samples"])                                   # [n, H, W, 3]
    rows = 4
    grid = images.view(rows, n // rows, *images.shape[1:]).permute(0, 2, 1, 3, 4).reshape(
        rows * images.shape[1], n // rows * images.shape[2], 3)
    img = Image.fromarray((grid.clamp(0, 1) * 255).round().byte().numpy())
    path.parent.mkdir(parents=True, exist_ok=True)
    img.resize((img.width * 2, img.height * 2), Image.NEAREST).save(path)
    return path


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--vae-steps", type=int, default=300)
    parser.add_argument("--vae-batch", type=int, default=8)
    parser.add_argument("--vae-crop", type=int, default=64)
    parser.add_argument("--scenes", type=int, default=4000, help="scenes (seeds 0..N-1) the UNet trains on")
    parser.add_argument("--unet-steps", type=int, default=1400)
    parser.add_argument("--unet-batch", type=int, default=32)
    parser.add_argument("--samples-only", action="store_true", help="only redraw the sample grid")
    parser.add_argument("--out", type=Path, default=None,
                        help="write the weights and training.json here instead of devtools/weights "
                             "(no sample grid then)")
    args = parser.parse_args(argv)
    load_comfy()
    torch.set_num_threads(args.threads)
    from safetensors.torch import save_file
    from devtools import demo_model
    if args.samples_only:
        log("samples: %s" % save_sample_grid(SAMPLES_PNG))
        return 0
    size, scale = demo_model.SIZE, demo_model.SDXL_VAE_SCALE
    start = time.time()
    vae, vae_losses, vae_s = train_vae(args.vae_steps, args.vae_batch, args.vae_crop, args.seed, size)
    latent_stats = normalise_latents(vae, size, scale)
    out = args.out or demo_model.WEIGHTS_DIR
    out.mkdir(parents=True, exist_ok=True)
    save_file({k: v.contiguous() for k, v in vae.state_dict().items()}, str(out / demo_model.VAE_FILE.name))
    t_data = time.time()
    latents = encode_dataset(vae, args.scenes, size, scale)
    data_s = time.time() - t_data
    log("[data] latents: mean %.3f std %.3f" % (latents.mean().item(), latents.std().item()))
    ema, unet_losses, unet_s = train_unet(latents, args.unet_steps, args.unet_batch, args.seed)
    save_file({k: v.contiguous() for k, v in ema.items()}, str(out / demo_model.UNET_FILE.name))
    tail = lambda xs, n: sum(xs[-n:]) / len(xs[-n:])  # noqa: E731
    record = {
        "command": " ".join(["python -m devtools.train_demo_model"] + list(argv if argv is not None else sys.argv[1:])),
        "seed": args.seed, "threads": args.threads,
        "args": {k: str(v) if isinstance(v, Path) else v for k, v in vars(args).items()},
        "torch": torch.__version__, "python": platform.python_version(), "comfyui": str(load_comfy().path.name),
        "vae": {"steps": args.vae_steps, "batch": args.vae_batch, "crop": args.vae_crop, "seconds": round(vae_s, 1),
                "l1_first_25": round(tail(vae_losses[:25], 25), 4), "l1_last_25": round(tail(vae_losses, 25), 4),
                **latent_stats},
        "data": {"scenes": args.scenes, "seconds": round(data_s, 1)},
        "unet": {"steps": args.unet_steps, "batch": args.unet_batch, "seconds": round(unet_s, 1),
                 "loss_first_100": round(tail(unet_losses[:100], 100), 4),
                 "loss_last_100": round(tail(unet_losses, 100), 4)},
        "wall_seconds": round(time.time() - start, 1),
    }
    (out / "training.json").write_text(json.dumps(record, indent=2) + "\n")
    log(json.dumps(record, indent=2))
    if args.out is None:
        log("samples: %s" % save_sample_grid(SAMPLES_PNG))
    return 0


if __name__ == "__main__":
    sys.exit(main())
