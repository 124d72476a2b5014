"""LanPaint against stock masked sampling on the pack's demo VIDEO model, through the real host.

    python -m benchmarks.video [--clips 64] [--steps 20] [--seed 0] [--out benchmarks/results]

Data: held-out clips (seeds from TEST_SEED on: never trained on, and no choice of the pack was made
on them) of the demo video model (lanpaint_demo/video_model.py: 9 frames of 32 x 32, the demo scenes
with the camera panning and the sun drifting), each with every hole of lanpaint_demo.clips.HOLE_KINDS:
a fixed box, a box that travels with the structure, a vertical stripe through the whole clip, and
the last third of the frames missing (outpainting in time). All clips of one hole run as one batch
(latents [clips, 16, 9, 8, 8], masks [clips, 1, 9, 32, 32]), the same noise seed for every method.

Methods (euler, simple schedule, cfg 1, the model's empty prompt): stock masked sampling (KSampler
on a latent with a noise mask, i.e. SetLatentNoiseMask) and LanPaint FLD KSampler at its defaults
(read from the node). Model calls are counted per clip (devtools.measure).

Metrics, in pixel space after the model's VAE decode ("VAE round trip" = decode(encode(clip)), the
floor no sampler can beat), over the hole's pixels of every frame:
- MAE: mean |result - clip| (RGB in [0, 1]);
- flicker: mean |(result[t+1] - result[t]) - (clip[t+1] - clip[t])| over pixels in the hole in
  frame t or t+1: frame-to-frame change against the clip's own (flicker, jumps and wrong motion all
  count; a fill that moves exactly as the scene does scores 0);
- phase error: per frame, the periodic structure's phase inside the hole against the clip's
  (benchmarks.trained.phase_error: degrees, 90 = chance), averaged over frames;
- seam: over neighbour pairs that straddle the hole's boundary in space or in time, mean
  |jump(result) - jump(clip)|.
Writes video.txt (the table), video.json, docs/video_frames.png (one clip per hole, frames left to
right: the clip, its hole, stock, LanPaint FLD) and docs/video_demo.gif (the same, animated).
"""
from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import torch

from benchmarks.trained import FLOOR, phase_error
from devtools.lanpaint_pack import REPO_ROOT

METHODS = ("stock", "LanPaint FLD")
SCHEDULER = "simple"
TEST_SEED = 103000           # held out, and never used to choose anything
FRAMES_PNG = REPO_ROOT / "docs" / "video_frames.png"
DEMO_GIF = REPO_ROOT / "docs" / "video_demo.gif"


# ----------------------------------------------------------------------------- metrics
def flicker(result, truth, mask):
    """Per clip: mean |Δ_t result - Δ_t truth| over pixels in the hole at t or t+1. [B,T,H,W,3], mask [B,T,H,W]."""
    change = ((result.diff(dim=1) - truth.diff(dim=1)).abs().mean(-1))
    pair = torch.maximum(mask[:, 1:], mask[:, :-1])
    return (change * pair).sum((1, 2, 3)) / pair.sum((1, 2, 3)).clamp(min=1)


def seam(result, truth, mask):
    """Per clip: mean |jump(result) - jump(truth)| over neighbour pairs (in time, rows, columns) that
    straddle the hole's boundary."""
    total = torch.zeros(result.shape[0])
    count = torch.zeros(result.shape[0])
    for dim in (1, 2, 3):
        n = mask.shape[dim]
        straddle = (mask.narrow(dim, 0, n - 1) != mask.narrow(dim, 1, n - 1)).float()
        jump_r = result.narrow(dim, 1, n - 1) - result.narrow(dim, 0, n - 1)
        jump_t = truth.narrow(dim, 1, n - 1) - truth.narrow(dim, 0, n - 1)
        total += ((jump_r - jump_t).abs().mean(-1) * straddle).sum((1, 2, 3))
        count += straddle.sum((1, 2, 3))
    return total / count.clamp(min=1)


def phase_per_frame(result, truth, mask, layouts, size):
    """[T]: mean over clips of the structure's phase error (degrees) in each frame (NaN where no clip's
    hole covers enough of a structure row)."""
    b, t = result.shape[:2]
    flat = phase_error(result.flatten(0, 1), truth.flatten(0, 1), mask.flatten(0, 1),
                       [lay for lay in layouts for _ in range(t)], size).view(b, t)
    return flat.nanmean(0)


def clip_mae(result, truth, mask):
    """Per clip: mean |result - truth| over the hole's pixels of all its frames."""
    err = (result - truth).abs().mean(-1)
    return (err * mask).sum((1, 2, 3)) / mask.sum((1, 2, 3)).clamp(min=1)


def summarise(result, truth, mask, layouts, size):
    phases = phase_per_frame(result, truth, mask, layouts, size)
    per_clip = clip_mae(result, truth, mask)
    return {"mae": per_clip.mean().item(), "mae_per_clip": [round(v, 5) for v in per_clip.tolist()],
            "flicker": flicker(result, truth, mask).mean().item(),
            "seam": seam(result, truth, mask).mean().item(),
            "phase": phases.nanmean().item(),
            "phase_per_frame": [round(v, 2) for v in phases.tolist()]}


def ratio_interval(method, stock, draws=2000, seed=0):
    """95 % paired bootstrap interval of mean(method) / mean(stock) over clips."""
    a, b = torch.tensor(method), torch.tensor(stock)
    g = torch.Generator().manual_seed(seed)
    pick = torch.randint(0, len(a), (draws, len(a)), generator=g)
    ratios = a[pick].mean(1) / b[pick].mean(1)
    return ratios.quantile(0.025).item(), ratios.quantile(0.975).item()


# ----------------------------------------------------------------------------- runs
def build_methods(env, pack, model, cond, steps, seed):
    """name -> latent -> sampled latent."""
    lanpaint = pack.NODE_CLASS_MAPPINGS["LanPaintKSampler"]()
    spec = lanpaint.INPUT_TYPES()
    thinking = spec["required"]["thinking_steps"][1]["default"]
    every = spec["optional"]["think_every"][1]["default"]
    return {
        "stock": lambda latent: env.nodes.common_ksampler(model, seed, steps, 1.0, "euler", SCHEDULER, cond, cond,
                                                          latent)[0],
        "LanPaint FLD": lambda latent: lanpaint.sample(model, seed, steps, 1.0, "euler", SCHEDULER, cond, cond, latent,
                                                       1.0, thinking, "Image First", think_every=every)[0],
    }


def run(n_clips=64, steps=20, seed=0, log=print):
    torch.set_num_threads(1)
    from devtools.host.comfy_env import load_comfy, match_running_host
    from devtools.lanpaint_pack import load_pack
    from devtools.measure import recording
    from lanpaint_demo import clips, scenes, video_model
    env = load_comfy()
    match_running_host()
    pack = load_pack()
    model, clip, vae = video_model.load()
    (cond,) = env.nodes.CLIPTextEncode().encode(clip, video_model.PROMPT)
    size, frames = video_model.SIZE, video_model.FRAMES
    seeds = list(range(TEST_SEED, TEST_SEED + n_clips))
    layouts = [scenes.layout(s) for s in seeds]
    truth = torch.stack([clips.render_clip(s, frames, size) for s in seeds])          # [B, T, H, W, 3]
    with torch.no_grad():
        latents = torch.cat([vae.encode(c) for c in truth])                            # [B, 16, T, h, w]
        floor = torch.stack([vae.decode(z[None])[0] for z in latents])
    model, counter = recording(model)
    runners = build_methods(env, pack, model, cond, steps, seed)
    table, pictures = {}, {}
    for kind in clips.HOLE_KINDS:
        mask = torch.stack([clips.clip_masks(kind, s, frames, size) for s in seeds])   # [B, T, H, W]
        table[(FLOOR, kind)] = {**summarise(floor, truth, mask, layouts, size), "calls": 0, "seconds": 0.0}
        pictures[(kind, "clip")] = truth
        pictures[(kind, "hole")] = truth * (1 - mask[..., None]) + mask[..., None] * torch.tensor([1.0, 0.0, 1.0])
        for name in METHODS:
            latent = {"samples": latents.clone(), "noise_mask": mask[:, None].clone()}
            counter.reset()
            t0 = time.perf_counter()
            with torch.no_grad():
                samples = runners[name](latent)["samples"]
                result = torch.stack([vae.decode(z[None])[0] for z in samples])
            seconds = time.perf_counter() - t0
            row = {**summarise(result, truth, mask, layouts, size),
                   "calls": counter.batch / n_clips, "seconds": seconds / n_clips}
            table[(name, kind)] = row
            pictures[(kind, name)] = result
            log("%-12s %-14s MAE %.4f  flicker %.4f  phase %5.1f deg  seam %.4f  calls %4.0f  %.2f s/clip"
                % (kind, name, row["mae"], row["flicker"], row["phase"], row["seam"], row["calls"], row["seconds"]))
    return table, pictures


# ----------------------------------------------------------------------------- output
def format_table(table, n_clips, steps, frames, size):
    from lanpaint_demo.clips import HOLE_KINDS
    lines = ["%d held-out clips (seeds %d-%d, %d frames of %d x %d) x %d holes, euler / %s, %d steps, cfg 1. "
             "Lower is better everywhere; x stock: the method's figure / stock's."
             % (n_clips, TEST_SEED, TEST_SEED + n_clips - 1, frames, size, size, len(HOLE_KINDS), SCHEDULER, steps),
             "", "| hole | method | MAE | x stock | flicker | x stock | phase° | seam | calls / clip | s / clip |",
             "|---|---|---|---|---|---|---|---|---|---|"]
    for kind in HOLE_KINDS:
        stock = table[("stock", kind)]
        for name in (FLOOR,) + METHODS:
            r = table[(name, kind)]
            first = name == FLOOR
            lines.append("| %s | %s | %.4f | %s | %.4f | %s | %.1f | %.4f | %s | %s |" % (
                kind, name, r["mae"], "-" if first else "%.2f" % (r["mae"] / stock["mae"]), r["flicker"],
                "-" if first else "%.2f" % (r["flicker"] / stock["flicker"]), r["phase"], r["seam"],
                "-" if first else "%.0f" % r["calls"], "-" if first else "%.2f" % r["seconds"]))
    lines += ["", "phase error by frame (degrees), LanPaint FLD / stock:"]
    for kind in HOLE_KINDS:
        lines.append("- %s: %s" % (kind, "  ".join(
            "%.0f/%.0f" % (a, b) for a, b in zip(table[("LanPaint FLD", kind)]["phase_per_frame"],
                                                  table[("stock", kind)]["phase_per_frame"]))))
    return "\n".join(lines)


def verdict(table):
    """Per hole: is LanPaint FLD at most 0.6x stock's MAE and at most stock's flicker (the video target)?"""
    from lanpaint_demo.clips import HOLE_KINDS
    out = {}
    for kind in HOLE_KINDS:
        lp, st = table[("LanPaint FLD", kind)], table[("stock", kind)]
        low, high = ratio_interval(lp["mae_per_clip"], st["mae_per_clip"])
        out[kind] = {"mae_ratio": round(lp["mae"] / st["mae"], 3), "mae_ratio_95": [round(low, 3), round(high, 3)],
                     "flicker_ratio": round(lp["flicker"] / st["flicker"], 3),
                     "mae_target_met": lp["mae"] <= 0.6 * st["mae"], "flicker_target_met": lp["flicker"] <= st["flicker"]}
    return out


def _panels(pictures, kind, index, scale):
    """[T, H', W', 3]: the clip, its hole (magenta), stock, LanPaint FLD side by side, 2 px apart."""
    cols = [pictures[(kind, name)][index] for name in ("clip", "hole") + METHODS]
    gap = torch.ones(cols[0].shape[0], cols[0].shape[1], 2, 3)
    row = torch.cat([t for c in cols for t in (c.clamp(0, 1), gap)][:-1], dim=2)
    return row.repeat_interleave(scale, 1).repeat_interleave(scale, 2)


def save_pictures(pictures, frames_png=FRAMES_PNG, gif=DEMO_GIF, index=0, scale=3):
    """The frames side by side (rows: hole x method, columns: frames) and the same clips animated."""
    from PIL import Image, ImageDraw
    from lanpaint_demo.clips import HOLE_KINDS
    names = ("clip", "hole") + METHODS
    side = pictures[(HOLE_KINDS[0], "clip")].shape[2] * scale
    frames = pictures[(HOLE_KINDS[0], "clip")].shape[1]
    label_w = 110
    sheet = Image.new("RGB", (label_w + frames * (side + 2), len(HOLE_KINDS) * (len(names) * (side + 2) + 8)), "white")
    draw = ImageDraw.Draw(sheet)
    y = 0
    for kind in HOLE_KINDS:
        for name in names:
            draw.text((4, y + side // 2 - 6), "%s: %s" % (kind, name) if name == "clip" else name, fill="black")
            for f in range(frames):
                img = pictures[(kind, name)][index, f].clamp(0, 1)
                tile = Image.fromarray((img * 255).round().byte().numpy()).resize((side, side), Image.NEAREST)
                sheet.paste(tile, (label_w + f * (side + 2), y))
            y += side + 2
        y += 8
    sheet.save(frames_png)
    rows = [_panels(pictures, kind, index, scale) for kind in HOLE_KINDS]
    width = rows[0].shape[2]
    stacked = torch.cat([t for r in rows for t in (r, torch.ones(r.shape[0], 4, width, 3))][:-1], dim=1)
    header = 14
    images = []
    for f in range(stacked.shape[0]):
        img = Image.new("RGB", (stacked.shape[2], stacked.shape[1] + header), "white")
        img.paste(Image.fromarray((stacked[f] * 255).round().byte().numpy()), (0, header))
        draw = ImageDraw.Draw(img)
        for c, name in enumerate(names):
            draw.text((c * (side + 2) + 2, 1), name.replace("LanPaint FLD", "LanPaint"), fill="black")
        images.append(img)
    images[0].save(gif, save_all=True, append_images=images[1:], duration=250, loop=0)
    return frames_png, gif


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clips", type=int, default=64)
    parser.add_argument("--steps", type=int, default=20)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, default=REPO_ROOT / "benchmarks" / "results")
    parser.add_argument("--no-pictures", action="store_true", help="write the tables only")
    args = parser.parse_args(argv)
    from lanpaint_demo.video_model import FRAMES, SIZE
    t0 = time.time()
    table, pictures = run(args.clips, args.steps, args.seed)
    text = format_table(table, args.clips, args.steps, FRAMES, SIZE)
    judged = verdict(table)
    text += "\n\ntarget (LanPaint FLD <= 0.6x stock's MAE and <= stock's flicker): " + "; ".join(
        "%s MAE %.2fx [%.2f, %.2f] %s, flicker %.2fx %s" % (
            k, v["mae_ratio"], *v["mae_ratio_95"], "met" if v["mae_target_met"] else "MISSED",
                                              v["flicker_ratio"], "met" if v["flicker_target_met"] else "MISSED")
        for k, v in judged.items())
    text += "\n\n(%.0f s wall on this machine)" % (time.time() - t0)
    print(text)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "video.txt").write_text(text + "\n")
    (args.out / "video.json").write_text(json.dumps(
        {"clips": args.clips, "steps": args.steps, "seed": args.seed, "test_seed": TEST_SEED, "verdict": judged,
         "rows": [{"method": name, "hole": kind, **row} for (name, kind), row in table.items()]}, indent=1) + "\n")
    if not args.no_pictures:
        for path in save_pictures(pictures):
            print("wrote", path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
