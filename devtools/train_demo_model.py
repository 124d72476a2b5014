"""Train the demo model (lanpaint_demo/model.py) on CPU: first the VAE, then the MMDiT on its latents.

    COMFYUI_PATH=... python -m devtools.train_demo_model [--seed 0] [--threads 1]

Deterministic: one seed drives initialisation, batches and noise; results are bit-identical only for
the same thread count and torch build. Scenes come from seeds below lanpaint_demo.scenes.HELD_OUT_SEED
only (VAE: VAE_SCENE_OFFSET + i, MMDiT: 0 .. scenes-1, each also mirrored left-right, which leaves the
scene distribution unchanged). The defaults are the committed run (about 75 minutes on two threads).

VAE: 32 px crops first (4x cheaper per picture; the network is convolutional), then whole pictures,
so its GroupNorm statistics are those of whole pictures when it is used. Loss: L1 plus L1 of the
horizontal and vertical differences (keeps mortar lines and picket edges sharp) plus a small L2 on
the latent. The latents are then scaled for SD3's latent format (zero mean, unit variance).
MMDiT: rectified-flow velocity loss at uniformly drawn noise levels, AdamW, EMA weights are saved.

Writes lanpaint_demo/weights/demo_vae.safetensors, demo_mmdit.safetensors and training.json (command,
seed, loss every 100 steps per stage, wall times, held-out round-trip MAE), then
docs/demo_model_samples.png: unconditional samples of the stock KSampler with the written weights.
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
from devtools.lanpaint_pack import REPO_ROOT

VAE_SCENE_OFFSET = 50000      # the VAE sees seeds VAE_SCENE_OFFSET .. HELD_OUT_SEED - 1, cycling
SAMPLES_PNG = REPO_ROOT / "docs" / "demo_model_samples.png"
LOG_EVERY = 100


def log(msg):
    print(msg, flush=True)


def torch_init(module: torch.nn.Module, seed: int):
    """PyTorch's own initialisers on every layer (comfy.ops layers skip theirs; its RMSNorm scales
    are left uninitialised too)."""
    torch.manual_seed(seed)
    for m in module.modules():
        for base in (torch.nn.Conv2d, torch.nn.Linear, torch.nn.GroupNorm, torch.nn.LayerNorm):
            if isinstance(m, base):
                base.reset_parameters(m)
                break
        else:
            if "RMSNorm" in type(m).__name__ and getattr(m, "weight", None) is not None:
                with torch.no_grad():
                    m.weight.fill_(1.0)
    for p in module.parameters():
        p.requires_grad_(True)
    return module


def render_batch(seeds, size, flip=None):
    """[B, 3, size, size] in [0, 1]; ``flip`` (bool per picture) mirrors pictures left-right."""
    from lanpaint_demo import scenes
    x = torch.cat([scenes.render(scenes.layout(int(s)), size) for s in seeds]).permute(0, 3, 1, 2).contiguous()
    if flip is not None:
        x = torch.where(flip.view(-1, 1, 1, 1), x.flip(-1), x)
    return x


def lr_at(step, steps, peak, warmup):
    """Linear warm-up, then cosine decay to 5 % of the peak."""
    if step < warmup:
        return peak * (step + 1) / warmup
    return peak * (0.05 + 0.95 * 0.5 * (1 + math.cos(math.pi * (step - warmup) / max(1, steps - warmup))))


class LossLog:
    """Mean loss over each block of LOG_EVERY steps, printed and kept for training.json."""

    def __init__(self, stage, steps):
        self.stage, self.steps, self.block, self.curve = stage, steps, [], []
        self.t0, self.cpu0 = time.time(), time.process_time()
        self.t1 = self.cpu1 = None        # set at the stage's last step

    def add(self, step, loss):
        self.block.append(loss)
        if len(self.block) == LOG_EVERY or step == self.steps - 1:
            mean = sum(self.block) / len(self.block)
            self.curve.append([step + 1, round(mean, 5)])
            self.block = []
            if step == self.steps - 1:
                self.t1, self.cpu1 = time.time(), time.process_time()
            log("[%s] step %5d/%d  loss %.4f  (%.0f s)" % (self.stage, step + 1, self.steps, mean, self.seconds()))

    def seconds(self):
        """Wall time of the stage (so far, until its last step)."""
        return (self.t1 or time.time()) - self.t0

    def cpu_seconds(self):
        """CPU time of this process in the stage: what it costs on a core of its own, whatever else runs."""
        return (self.cpu1 or time.process_time()) - self.cpu0


# ----------------------------------------------------------------------------- VAE
def encode_mode(vae, x):
    """The posterior mode, as ComfyUI's VAE encode uses it."""
    return vae.regularization(vae.quant_conv(vae.encoder(x)))[0]


def edge_l1(a, b):
    """L1 of the difference of horizontal and vertical pixel differences."""
    return ((a.diff(dim=-1) - b.diff(dim=-1)).abs().mean() + (a.diff(dim=-2) - b.diff(dim=-2)).abs().mean())


def build_vae_module():
    """An untrained demo AutoencoderKL (the host's class, the shipped VAE's ddconfig)."""
    from comfy.ldm.models.autoencoder import AutoencoderKL
    from lanpaint_demo.model import LATENT_CHANNELS, vae_config
    return AutoencoderKL(ddconfig=vae_config(), embed_dim=LATENT_CHANNELS)


def train_vae(crop_steps, full_steps, batch, crop, edge_weight, seed, size):
    from lanpaint_demo.model import DOWNSCALE
    from lanpaint_demo.scenes import HELD_OUT_SEED
    vae = torch_init(build_vae_module(), seed)
    opt = torch.optim.Adam(vae.parameters(), lr=1e-3)
    gen = torch.Generator().manual_seed(seed)
    steps = crop_steps + full_steps
    losses = LossLog("vae", steps)
    for step in range(steps):
        for group in opt.param_groups:
            group["lr"] = lr_at(step, steps, 1e-3, warmup=20)
        seeds = [VAE_SCENE_OFFSET + (step * batch + i) % (HELD_OUT_SEED - VAE_SCENE_OFFSET) for i in range(batch)]
        x = render_batch(seeds, size, torch.rand(batch, generator=gen) < 0.5) * 2 - 1
        if step < crop_steps:       # a crop aligned to the latent grid
            oy, ox = (DOWNSCALE * torch.randint(0, (size - crop) // DOWNSCALE + 1, (2,), generator=gen)).tolist()
            x = x[:, :, oy:oy + crop, ox:ox + crop]
        z = encode_mode(vae, x)
        recon = vae.decoder(vae.post_quant_conv(z))
        l1 = (recon - x).abs().mean()
        loss = l1 + edge_weight * edge_l1(recon, x) + 1e-4 * z.pow(2).mean()
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(vae.parameters(), 1.0)
        opt.step()
        losses.add(step, l1.item() / 2)           # in [0, 1] pixel units
    for p in vae.parameters():
        p.requires_grad_(False)
    return vae.eval(), losses


@torch.no_grad()
def heldout_round_trip_mae(vae, size, n=64):
    from lanpaint_demo.scenes import HELD_OUT_SEED
    x = render_batch(range(HELD_OUT_SEED, HELD_OUT_SEED + n), size)
    recon = vae.decoder(vae.post_quant_conv(encode_mode(vae, x * 2 - 1)))
    return ((recon.clamp(-1, 1) + 1) / 2 - x).abs().mean().item()


@torch.no_grad()
def normalise_latents(vae, size, latent_format):
    """Fold a per-channel affine map into quant_conv / post_quant_conv so that encode() followed by
    the latent format's process_in gives latents of zero mean and unit variance per channel."""
    x = render_batch(range(VAE_SCENE_OFFSET - 512, VAE_SCENE_OFFSET), size) * 2 - 1
    z = encode_mode(vae, x)
    mean, std = z.mean((0, 2, 3)), z.std((0, 2, 3))
    scale, shift = latent_format.scale_factor, latent_format.shift_factor
    k = 1.0 / (std * scale)                     # raw -> VAE latent: (raw - mean) * k + shift
    c = mean.numel()
    q, p = vae.quant_conv, vae.post_quant_conv
    q.weight[:c] *= k.view(c, 1, 1, 1)
    q.bias[:c] = k * (q.bias[:c] - mean) + shift
    p.bias += (p.weight[:, :, 0, 0] * (mean - shift / k).view(1, c)).sum(1)
    p.weight /= k.view(1, c, 1, 1)
    return {"latent_mean_before": [round(v, 4) for v in mean.tolist()],
            "latent_std_before": [round(v, 4) for v in std.tolist()]}


# ----------------------------------------------------------------------------- MMDiT
@torch.no_grad()
def encode_dataset(vae, n, size, latent_format):
    """Model-space latents (process_in applied) of scenes 0..n-1 and of their mirror images."""
    out = []
    for i in range(0, n, 64):
        x = render_batch(range(i, min(n, i + 64)), size) * 2 - 1
        for pictures in (x, x.flip(-1)):
            out.append(latent_format.process_in(encode_mode(vae, pictures)))
        if i % 2048 == 0:
            log("[data] encoded %d/%d scenes" % (i, n))
    return torch.cat(out)


def sincos_pos_embed(dim, grid):
    """Fixed 2-D sine-cosine position embedding [1, grid*grid, dim] (the DiT / SD3 construction)."""
    def one_axis(d, pos):
        omega = 1.0 / 10000 ** (torch.arange(d // 2, dtype=torch.float64) / (d / 2))
        out = pos.double()[:, None] * omega[None]
        return torch.cat([out.sin(), out.cos()], 1)
    ys, xs = torch.meshgrid(torch.arange(grid), torch.arange(grid), indexing="ij")
    emb = torch.cat([one_axis(dim // 2, ys.flatten()), one_axis(dim // 2, xs.flatten())], 1)
    return emb.float()[None]


def init_mmdit(net, seed):
    """PyTorch initialisers, fixed position embedding, adaLN-zero (every block starts as the identity,
    the output at zero) and the unconditional embedders at zero and frozen."""
    from lanpaint_demo.model import UNCONDITIONAL_KEYS
    torch_init(net, seed)
    with torch.no_grad():
        net.pos_embed.copy_(sincos_pos_embed(net.pos_embed.shape[-1], net.pos_embed_max_size))
        for name, p in net.named_parameters():
            if "adaLN_modulation" in name or name.startswith("final_layer.linear") or name in UNCONDITIONAL_KEYS:
                p.zero_()
            if name in UNCONDITIONAL_KEYS:
                p.requires_grad_(False)
    return net


def train_mmdit(latents, steps, batch, lr, seed):
    from lanpaint_demo.model import build_diffusion_model
    from lanpaint_demo.text_encoder import CONTEXT_DIM, POOLED_DIM, TOKENS
    model = build_diffusion_model()
    net = init_mmdit(model.diffusion_model, seed + 1)
    trainable = [p for p in net.parameters() if p.requires_grad]
    ema = {k: v.detach().clone() for k, v in net.state_dict().items()}
    opt = torch.optim.AdamW(trainable, lr=lr, weight_decay=0.0)
    ms = model.model_sampling
    gen = torch.Generator().manual_seed(seed + 2)
    n = latents.shape[0]
    context = torch.zeros(batch, TOKENS, CONTEXT_DIM)
    pooled = torch.zeros(batch, POOLED_DIM)
    losses = LossLog("mmdit", steps)
    for step in range(steps):
        for group in opt.param_groups:
            group["lr"] = lr_at(step, steps, lr, warmup=200)
        x0 = latents[torch.randint(0, n, (batch,), generator=gen)]
        sigma = ms.sigmas[torch.randint(0, len(ms.sigmas), (batch,), generator=gen)]
        noise = torch.randn(x0.shape, generator=gen)
        s = sigma.view(-1, 1, 1, 1)
        x = (1 - s) * x0 + s * noise
        out = net(ms.calculate_input(sigma, x), ms.timestep(sigma).float(), context=context, y=pooled)
        loss = (out - (noise - x0)).pow(2).mean()       # the velocity CONST models predict
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(trainable, 1.0)
        opt.step()
        decay = min(0.999, (1 + step) / (10 + step))
        with torch.no_grad():
            for k, v in net.state_dict().items():
                ema[k].mul_(decay).add_(v.detach(), alpha=1 - decay)
        losses.add(step, loss.item())
    return ema, losses


# ----------------------------------------------------------------------------- samples
@torch.no_grad()
def save_sample_grid(path: Path, n=16, seed=0, steps=20):
    """Unconditional samples of the written weights through the host's KSampler, as a 4-row grid."""
    from PIL import Image
    import lanpaint_demo.model as demo
    env = load_comfy()
    model, clip, vae = demo.load()
    (cond,) = env.nodes.CLIPTextEncode().encode(clip, demo.PROMPT)
    side = demo.SIZE // demo.DOWNSCALE
    latent = {"samples": torch.zeros(n, demo.LATENT_CHANNELS, side, side)}
    (out,) = env.nodes.common_ksampler(model, seed, steps, 1.0, "euler", "simple", cond, cond, latent)
    images = vae.decode(out["samples"])                                   # [n, H, W, 3]
    rows = 4
    grid = images.view(rows, n // rows, *images.shape[1:]).permute(0, 2, 1, 3, 4).reshape(
        rows * images.shape[1], n // rows * images.shape[2], 3)
    img = Image.fromarray((grid.clamp(0, 1) * 255).round().byte().numpy())
    path.parent.mkdir(parents=True, exist_ok=True)
    img.resize((img.width * 2, img.height * 2), Image.NEAREST).save(path)
    return path


def save_weights(tensors: dict, path: Path, version: str | None = None, dtype: torch.dtype | None = None):
    """A safetensors file stamped with the code version (the image model's unless ``version``), its
    tensors cast to ``dtype`` when given."""
    from safetensors.torch import save_file
    from lanpaint_demo.model import VERSION, VERSION_KEY
    save_file({k: (v if dtype is None else v.to(dtype)).contiguous() for k, v in tensors.items()}, str(path),
              metadata={VERSION_KEY: version or VERSION})


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--vae-crop-steps", type=int, default=6000)
    parser.add_argument("--vae-full-steps", type=int, default=600)
    parser.add_argument("--vae-batch", type=int, default=8)
    parser.add_argument("--vae-crop", type=int, default=32)
    parser.add_argument("--vae-edge-weight", type=float, default=0.5)
    parser.add_argument("--scenes", type=int, default=8000, help="scenes (seeds 0..N-1) the MMDiT trains on")
    parser.add_argument("--mmdit-steps", type=int, default=14000)
    parser.add_argument("--mmdit-batch", type=int, default=32)
    parser.add_argument("--mmdit-lr", type=float, default=1e-3)
    parser.add_argument("--samples-only", action="store_true", help="only redraw the sample grid")
    parser.add_argument("--out", type=Path, default=None,
                        help="write the weights and training.json here instead of lanpaint_demo/weights "
                             "(no sample grid then)")
    args = parser.parse_args(argv)
    load_comfy()
    torch.set_num_threads(args.threads)
    import lanpaint_demo.model as demo
    if args.samples_only:
        log("samples: %s" % save_sample_grid(SAMPLES_PNG))
        return 0
    start, cpu_start = time.time(), time.process_time()
    latent_format = demo.build_diffusion_model().latent_format
    vae, vae_log = train_vae(args.vae_crop_steps, args.vae_full_steps, args.vae_batch, args.vae_crop,
                             args.vae_edge_weight, args.seed, demo.SIZE)
    latent_stats = normalise_latents(vae, demo.SIZE, latent_format)
    round_trip = heldout_round_trip_mae(vae, demo.SIZE)
    log("[vae] held-out round-trip MAE %.4f" % round_trip)
    out = args.out or demo.WEIGHTS_DIR
    out.mkdir(parents=True, exist_ok=True)
    save_weights(vae.state_dict(), out / demo.VAE_FILE.name)
    t_data = time.time()
    latents = encode_dataset(vae, args.scenes, demo.SIZE, latent_format)
    data_s = time.time() - t_data
    log("[data] %d latents: mean %.3f std %.3f" % (len(latents), latents.mean().item(), latents.std().item()))
    ema, mmdit_log = train_mmdit(latents, args.mmdit_steps, args.mmdit_batch, args.mmdit_lr, args.seed)
    save_weights(ema, out / demo.DIFFUSION_FILE.name)
    record = {
        "command": " ".join(["python -m devtools.train_demo_model"] + list(argv if argv is not None else sys.argv[1:])),
        "version": demo.VERSION, "seed": args.seed, "threads": args.threads,
        "args": {k: str(v) if isinstance(v, Path) else v for k, v in vars(args).items()},
        "torch": torch.__version__, "python": platform.python_version(), "comfyui": load_comfy().path.name,
        "vae": {"seconds": round(vae_log.seconds(), 1), "cpu_seconds": round(vae_log.cpu_seconds(), 1), "heldout_round_trip_mae": round(round_trip, 4),
                "l1_per_100_steps": vae_log.curve, **latent_stats},
        "data": {"scenes": args.scenes, "latents": len(latents), "seconds": round(data_s, 1)},
        "mmdit": {"seconds": round(mmdit_log.seconds(), 1), "cpu_seconds": round(mmdit_log.cpu_seconds(), 1), "loss_per_100_steps": mmdit_log.curve},
        "wall_seconds": round(time.time() - start, 1),
        "cpu_seconds": round(time.process_time() - cpu_start, 1),
    }
    (out / "training.json").write_text(json.dumps(record, indent=1) + "\n")
    log("training done in %.0f s; record in %s" % (record["wall_seconds"], out / "training.json"))
    if args.out is None:
        log("samples: %s" % save_sample_grid(SAMPLES_PNG))
    return 0


if __name__ == "__main__":
    sys.exit(main())
