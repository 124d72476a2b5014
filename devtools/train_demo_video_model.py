"""Train the demo video model (lanpaint_demo/video_model.py) on CPU: the Wan VAE, then the WanModel.

    COMFYUI_PATH=... python -m devtools.train_demo_video_model [--seed 0] [--threads 2]

Deterministic: one seed drives initialisation, batches and noise; results are bit-identical only for
the same thread count and torch build. Clips come from seeds below lanpaint_demo.scenes.HELD_OUT_SEED
only (VAE: VAE_CLIP_OFFSET + i, WanModel: 0 .. clips-1, each also mirrored left-right, which reverses
the pan and leaves the clip distribution unchanged). The defaults are the committed run.

VAE: short clips of 16 px crops first (5 frames: the first alone, then one chunk of 4, as the host
encodes; many times cheaper per step, the network is convolutional), then whole 9-frame clips, always
through the host's ``encode`` / ``decode`` (its frame cache) so it learns what inference runs. Loss:
L1, plus L1 of the horizontal, vertical and frame-to-frame differences (edges and motion stay sharp,
no flicker), plus a small L2 on the latent. The latents are then scaled for the Wan 2.1 latent format
(zero mean, unit variance), the weights rounded to float16 as shipped, and the round trip measured
on held-out clips.
WanModel: rectified-flow velocity loss at uniformly drawn noise levels, AdamW, EMA weights saved.

Writes lanpaint_demo/weights/demo_video_vae.safetensors, demo_video_wan.safetensors and
video_training.json, then docs/demo_video_samples.png: unconditional clips of the stock KSampler.
"""
from __future__ import annotations

import argparse
import json
import platform
import sys
import time
from pathlib import Path

import torch

from devtools.host.comfy_env import load_comfy
from devtools.lanpaint_pack import REPO_ROOT
from devtools.train_demo_model import LossLog, edge_l1, log, lr_at, save_weights

VAE_CLIP_OFFSET = 50000     # the VAE sees clips VAE_CLIP_OFFSET .. HELD_OUT_SEED - 1, cycling
SAMPLES_PNG = REPO_ROOT / "docs" / "demo_video_samples.png"
RECORD = "video_training.json"


def clip_batch(seeds, frames, size, flip=None):
    """[B, 3, frames, size, size] in [-1, 1]; ``flip`` (bool per clip) mirrors clips left-right."""
    from lanpaint_demo.clips import render_clip
    x = torch.stack([render_clip(int(s), frames, size) for s in seeds]).permute(0, 4, 1, 2, 3) * 2 - 1
    if flip is not None:
        x = torch.where(flip.view(-1, 1, 1, 1, 1), x.flip(-1), x)
    return x.contiguous()


def init_network(net, seed):
    """Seeded initial weights for every parameter (comfy.ops layers skip their own initialisers)."""
    from devtools.host.tiny_models import init_weights
    init_weights(net, seed=seed)
    for p in net.parameters():
        p.requires_grad_(True)
    return net


def to_shipped_precision(net):
    """Round the weights to float16 and back, as the shipped files hold them."""
    with torch.no_grad():
        for p in net.parameters():
            p.copy_(p.half().float())
    return net


# ----------------------------------------------------------------------------- VAE
def train_vae(crop_steps, full_steps, crop_batch, full_batch, crop, seed, frames, size):
    from lanpaint_demo.scenes import HELD_OUT_SEED
    from lanpaint_demo.video_model import DOWNSCALE, build_vae_module
    vae = init_network(build_vae_module(), seed)
    opt = torch.optim.Adam(vae.parameters(), lr=1e-3)
    gen = torch.Generator().manual_seed(seed)
    steps = crop_steps + full_steps
    losses = LossLog("vae", steps)
    seen = 0
    for step in range(steps):
        for group in opt.param_groups:
            group["lr"] = lr_at(step, steps, 1e-3, warmup=20)
        short = step < crop_steps
        batch = crop_batch if short else full_batch
        seeds = [VAE_CLIP_OFFSET + (seen + i) % (HELD_OUT_SEED - VAE_CLIP_OFFSET) for i in range(batch)]
        seen += batch
        x = clip_batch(seeds, 5 if short else frames, size, torch.rand(batch, generator=gen) < 0.5)
        if short:                    # a crop aligned to the latent grid
            oy, ox = (DOWNSCALE * torch.randint(0, (size - crop) // DOWNSCALE + 1, (2,), generator=gen)).tolist()
            x = x[..., oy:oy + crop, ox:ox + crop]
        z = vae.encode(x)
        recon = vae.decode(z)
        l1 = (recon - x).abs().mean()
        motion = (recon.diff(dim=2) - x.diff(dim=2)).abs().mean()
        loss = l1 + 0.5 * edge_l1(recon, x) + 0.5 * motion + 1e-4 * z.pow(2).mean()
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(vae.parameters(), 1.0)
        opt.step()
        losses.add(step, l1.item() / 2)           # in [0, 1] pixel units
    vae.requires_grad_(False)
    return vae.eval(), losses


@torch.no_grad()
def normalise_latents(vae, frames, size, latent_format):
    """Fold a per-channel affine map into conv1 (encoder side) and conv2 (decoder side) so that
    encode() followed by the latent format's process_in gives zero mean and unit variance per channel."""
    z = torch.cat([vae.encode(clip_batch(range(i, i + 32), frames, size))
                   for i in range(VAE_CLIP_OFFSET - 256, VAE_CLIP_OFFSET, 32)])
    mean, std = z.mean((0, 2, 3, 4)), z.std((0, 2, 3, 4))
    c = mean.numel()
    fmt_mean = latent_format.latents_mean.flatten()
    fmt_std = latent_format.latents_std.flatten() / latent_format.scale_factor
    k = fmt_std / std                            # raw -> VAE latent: k * raw + b
    b = fmt_mean - k * mean
    enc, dec = vae.conv1, vae.conv2
    enc.weight[:c] *= k.view(c, 1, 1, 1, 1)
    enc.bias[:c] = k * enc.bias[:c] + b
    dec.bias -= (dec.weight[:, :, 0, 0, 0] * (b / k).view(1, c)).sum(1)
    dec.weight /= k.view(1, c, 1, 1, 1)
    return {"latent_mean_before": [round(v, 4) for v in mean.tolist()],
            "latent_std_before": [round(v, 4) for v in std.tolist()]}


@torch.no_grad()
def heldout_round_trip_mae(vae, frames, size, n=64):
    from lanpaint_demo.scenes import HELD_OUT_SEED
    x = clip_batch(range(HELD_OUT_SEED, HELD_OUT_SEED + n), frames, size)
    recon = torch.cat([vae.decode(vae.encode(x[i:i + 16])) for i in range(0, n, 16)])
    return ((recon.clamp(-1, 1) - x).abs().mean() / 2).item()


# ----------------------------------------------------------------------------- WanModel
@torch.no_grad()
def encode_dataset(vae, n, frames, size, latent_format):
    """Model-space latents (process_in applied) of clips 0..n-1 and of their mirror images."""
    out = []
    for i in range(0, n, 32):
        x = clip_batch(range(i, min(n, i + 32)), frames, size)
        for clips in (x, x.flip(-1)):
            out.append(latent_format.process_in(vae.encode(clips)))
        if i % 512 == 0:
            log("[data] encoded %d/%d clips" % (i, n))
    return torch.cat(out)


def train_wan(latents, steps, batch, lr, seed):
    from lanpaint_demo.text_encoder import CONTEXT_DIM, TOKENS
    from lanpaint_demo.video_model import build_diffusion_model
    model = build_diffusion_model()
    net = init_network(model.diffusion_model, seed + 1)
    with torch.no_grad():
        net.head.head.weight.zero_()      # the output starts at zero
        net.head.head.bias.zero_()
        # unconditional by construction: the text embedder sees only its bias, whatever the prompt (its
        # weight's gradient is exactly zero on the zero context it trains with, so it stays zero)
        net.text_embedding[0].weight.zero_()
    params = list(net.parameters())
    ema = {k: v.detach().clone() for k, v in net.state_dict().items()}
    opt = torch.optim.AdamW(params, lr=lr, weight_decay=0.0)
    ms = model.model_sampling
    gen = torch.Generator().manual_seed(seed + 2)
    n = latents.shape[0]
    context = torch.zeros(batch, TOKENS, CONTEXT_DIM)
    losses = LossLog("wan", steps)
    for step in range(steps):
        for group in opt.param_groups:
            group["lr"] = lr_at(step, steps, lr, warmup=200)
        x0 = latents[torch.randint(0, n, (batch,), generator=gen)]
        sigma = ms.sigmas[torch.randint(0, len(ms.sigmas), (batch,), generator=gen)]
        noise = torch.randn(x0.shape, generator=gen)
        s = sigma.view(-1, 1, 1, 1, 1)
        x = (1 - s) * x0 + s * noise
        out = net(ms.calculate_input(sigma, x), ms.timestep(sigma).float(), context=context)
        loss = (out - (noise - x0)).pow(2).mean()       # the velocity CONST models predict
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        opt.step()
        decay = min(0.999, (1 + step) / (10 + step))
        with torch.no_grad():
            for k, v in net.state_dict().items():
                ema[k].mul_(decay).add_(v.detach(), alpha=1 - decay)
        losses.add(step, loss.item())
    return ema, losses


# ----------------------------------------------------------------------------- samples
@torch.no_grad()
def save_sample_strip(path: Path, n=6, seed=0, steps=20):
    """Unconditional clips of the written weights through the host's KSampler: a row per clip, a
    column per frame."""
    from PIL import Image
    import lanpaint_demo.video_model as demo
    env = load_comfy()
    model, clip, vae = demo.load()
    (cond,) = env.nodes.CLIPTextEncode().encode(clip, demo.PROMPT)
    side = demo.SIZE // demo.DOWNSCALE
    rows = []
    for i in range(n):
        latent = {"samples": torch.zeros(1, demo.LATENT_CHANNELS, demo.FRAMES, side, side)}
        (out,) = env.nodes.common_ksampler(model, seed + i, steps, 1.0, "euler", "simple", cond, cond, latent)
        frames = vae.decode(out["samples"])[0]                     # [T, H, W, 3]
        rows.append(torch.cat(list(frames), dim=1))
    grid = torch.cat(rows, dim=0)
    img = Image.fromarray((grid.clamp(0, 1) * 255).round().byte().numpy())
    path.parent.mkdir(parents=True, exist_ok=True)
    img.resize((img.width * 3, img.height * 3), Image.NEAREST).save(path)
    return path


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--vae-crop-steps", type=int, default=1500)
    parser.add_argument("--vae-full-steps", type=int, default=200)
    parser.add_argument("--vae-crop-batch", type=int, default=8)
    parser.add_argument("--vae-full-batch", type=int, default=4)
    parser.add_argument("--vae-crop", type=int, default=16)
    parser.add_argument("--clips", type=int, default=2500, help="clips (seeds 0..N-1) the WanModel trains on")
    parser.add_argument("--wan-steps", type=int, default=1500)
    parser.add_argument("--wan-batch", type=int, default=32)
    parser.add_argument("--wan-lr", type=float, default=1e-3)
    parser.add_argument("--samples-only", action="store_true", help="only redraw the sample strip")
    parser.add_argument("--out", type=Path, default=None,
                        help="write the weights and the record here instead of lanpaint_demo/weights "
                             "(no sample strip then)")
    args = parser.parse_args(argv)
    load_comfy()
    torch.set_num_threads(args.threads)
    import lanpaint_demo.video_model as demo
    if args.samples_only:
        log("samples: %s" % save_sample_strip(SAMPLES_PNG))
        return 0
    start, cpu_start = time.time(), time.process_time()
    latent_format = demo.build_diffusion_model().latent_format
    vae, vae_log = train_vae(args.vae_crop_steps, args.vae_full_steps, args.vae_crop_batch, args.vae_full_batch,
                             args.vae_crop, args.seed, demo.FRAMES, demo.SIZE)
    latent_stats = normalise_latents(vae, demo.FRAMES, demo.SIZE, latent_format)
    to_shipped_precision(vae)
    round_trip = heldout_round_trip_mae(vae, demo.FRAMES, demo.SIZE)
    log("[vae] held-out round-trip MAE %.4f" % round_trip)
    out = args.out or demo.WEIGHTS_DIR
    out.mkdir(parents=True, exist_ok=True)
    save_weights(vae.state_dict(), out / demo.VAE_FILE.name, demo.VERSION, torch.float16)
    t_data = time.time()
    latents = encode_dataset(vae, args.clips, demo.FRAMES, demo.SIZE, latent_format)
    data_s = time.time() - t_data
    log("[data] %d latents: mean %.3f std %.3f" % (len(latents), latents.mean().item(), latents.std().item()))
    ema, wan_log = train_wan(latents, args.wan_steps, args.wan_batch, args.wan_lr, args.seed)
    save_weights(ema, out / demo.DIFFUSION_FILE.name, demo.VERSION, torch.float16)
    record = {
        "command": " ".join(["python -m devtools.train_demo_video_model"]
                            + list(argv if argv is not None else sys.argv[1:])),
        "version": demo.VERSION, "seed": args.seed, "threads": args.threads,
        "args": {k: str(v) if isinstance(v, Path) else v for k, v in vars(args).items()},
        "torch": torch.__version__, "python": platform.python_version(), "comfyui": load_comfy().path.name,
        "vae": {"seconds": round(vae_log.seconds(), 1), "cpu_seconds": round(vae_log.cpu_seconds(), 1),
                "heldout_round_trip_mae": round(round_trip, 4), "l1_per_100_steps": vae_log.curve, **latent_stats},
        "data": {"clips": args.clips, "latents": len(latents), "seconds": round(data_s, 1)},
        "wan": {"seconds": round(wan_log.seconds(), 1), "cpu_seconds": round(wan_log.cpu_seconds(), 1),
                "loss_per_100_steps": wan_log.curve},
        "wall_seconds": round(time.time() - start, 1),
        "cpu_seconds": round(time.process_time() - cpu_start, 1),
    }
    (out / RECORD).write_text(json.dumps(record, indent=1) + "\n")
    log("training done in %.0f s; record in %s" % (record["wall_seconds"], out / RECORD))
    if args.out is None:
        log("samples: %s" % save_sample_strip(SAMPLES_PNG))
    return 0


if __name__ == "__main__":
    sys.exit(main())
