"""LanPaint against stock masked sampling on the pack's demo model, through the real host.

    python -m benchmarks.trained [--scenes 64] [--steps 20] [--seed 0] [--out benchmarks/results]
                                 [--only METHOD ...] [--variant 5:step_size=0.5,friction=5 ...]

Data: held-out scenes (seeds from lanpaint_demo.scenes.HELD_OUT_SEED on) of the demo model, each
with every hole of lanpaint_demo.scenes.MASK_KINDS: the paper's four (box, half, checkerboard,
outpaint) and two of ours (a stripe across the hill line and the structure, an irregular blob).
All scenes of one hole kind run as one batch, with the same noise seed for every method.

Methods (euler, simple schedule, cfg 1, the model's PROMPT): stock masked sampling (KSampler on a
latent with a noise mask, i.e. SetLatentNoiseMask); LanPaint FLD KSampler at its defaults (its
widgets' defaults read from the node: 4 thinking steps before every 2nd step; --only adds "LanPaint 0",
"LanPaint 2", "LanPaint 10": that many thinking steps before every step); Differential Diffusion (the
host's node) with the stock KSampler.

Metrics, in pixel space after decoding with the model's VAE (the "VAE round trip" row is
decode(encode(scene)), the floor no sampler can beat):
- MAE: mean |result - scene| over the hole's pixels (RGB in [0, 1]); "gap closed": the share of
  stock's distance to the floor that the method removes, (stock - method) / (stock - floor);
- seam: over pixel pairs that straddle the hole's boundary (one inside, one outside, 4-neighbours),
  mean |(result_in - result_out) - (scene_in - scene_out)|: how much the jump across the boundary
  differs from the scene's own;
- phase error: for each row of the periodic structure inside the hole (spanning at least 3/4 of a
  period), the phase of the row's luminance at the structure's known period, compared with the
  scene's (weighted by the scene's amplitude); degrees, 90 = chance, 0 = continued exactly;
- ghosts: pictures with more than one sun (every scene has exactly one; devtools.demo_model.count_suns);
- outpaint's hole band by band (top, bottom, left, right of the kept box): MAE of each band.
Model calls are diffusion-model calls per image (devtools.measure.ModelCalls counts batch elements); seconds per
image are the batch's wall time divided by the batch size (CPU figures vary with the machine's load).
Writes trained.txt (the table), trained.json and trained.png (rows = holes, columns = methods).
``--variant N:knob=value,...`` adds LanPaint runs with other knobs (lam, step_size, friction, beta,
early_stop, scheme) to the same table, for investigating the method on a learned model.
"""
from __future__ import annotations

import argparse
import json
import math
import time
from pathlib import Path

import torch

from devtools.lanpaint_pack import REPO_ROOT

METHODS = ("stock", "LanPaint FLD", "Differential Diffusion")   # LanPaint FLD = the node's defaults
EXTRA_METHODS = ("LanPaint 0", "LanPaint 2", "LanPaint 10")
SCHEDULER = "simple"
FLOOR = "VAE round trip"


# ----------------------------------------------------------------------------- metrics
def region_mae(result, truth, mask):
    """Per image: mean |result - truth| over mask pixels. result/truth [N,H,W,3], mask [N,H,W]."""
    err = (result - truth).abs().mean(-1)
    return (err * mask).sum((1, 2)) / mask.sum((1, 2)).clamp(min=1)


def seam_score(result, truth, mask):
    """Per image: mean |jump(result) - jump(truth)| over 4-neighbour pairs straddling the mask edge."""
    total = torch.zeros(result.shape[0])
    count = torch.zeros(result.shape[0])
    for dim in (1, 2):                       # rows, columns of [N, H, W]
        n = mask.shape[dim]
        a, b = mask.narrow(dim, 0, n - 1), mask.narrow(dim, 1, n - 1)
        straddle = (a != b).float()
        jump_r = result.narrow(dim, 1, n - 1) - result.narrow(dim, 0, n - 1)
        jump_t = truth.narrow(dim, 1, n - 1) - truth.narrow(dim, 0, n - 1)
        diff = (jump_r - jump_t).abs().mean(-1)
        total += (diff * straddle).sum((1, 2))
        count += straddle.sum((1, 2))
    return total / count.clamp(min=1)


def phase_error(result, truth, mask, layouts, size):
    """Per image: amplitude-weighted mean |phase difference| (degrees) of the periodic structure's rows
    inside the mask; NaN for an image whose hole covers no full-enough row of the structure."""
    lum_r, lum_t = result.mean(-1), truth.mean(-1)
    out = torch.full((result.shape[0],), float("nan"))
    for i, lay in enumerate(layouts):
        period = lay.period * size
        rows = range(math.ceil(lay.band_top * size) + 1, min(size, math.floor(lay.band_bottom * size) - 1))
        num = den = 0.0
        for y in rows:
            xs = torch.nonzero(mask[i, y] > 0.5).flatten()
            if xs.numel() < 0.75 * period:
                continue
            basis = torch.exp(-2j * math.pi * (xs.double() + 0.5) / period)
            c_t = ((lum_t[i, y, xs] - lum_t[i, y, xs].mean()).double() * basis).sum()
            c_r = ((lum_r[i, y, xs] - lum_r[i, y, xs].mean()).double() * basis).sum()
            w = float(c_t.abs())
            num += w * abs(float(torch.angle(c_r * c_t.conj())))
            den += w
        if den > 1e-6:
            out[i] = math.degrees(num / den)
    return out


BORDERS = ("top", "bottom", "left", "right")


def border_mae(result, truth, mask) -> dict:
    """The hole's MAE band by band around the box it keeps (outpaint): the rows above the box (top)
    and below it (bottom), the columns beside it between those rows (left, right); mean over images."""
    kept = torch.nonzero(mask[0] < 0.5)
    top, bottom = int(kept[:, 0].min()), int(kept[:, 0].max()) + 1
    left, right = int(kept[:, 1].min()), int(kept[:, 1].max()) + 1
    bands = {"top": (slice(0, top), slice(None)), "bottom": (slice(bottom, None), slice(None)),
             "left": (slice(top, bottom), slice(0, left)), "right": (slice(top, bottom), slice(right, None))}
    out = {}
    for name, (rows, cols) in bands.items():
        band = torch.zeros_like(mask)
        band[:, rows, cols] = mask[:, rows, cols]
        out[name] = region_mae(result, truth, band).mean().item()
    return out


def ghost_count(result, layouts):
    """Pictures with more than one sun (every scene has exactly one)."""
    from devtools.demo_model import count_suns
    return sum(count_suns(img, lay) > 1 for img, lay in zip(result, layouts))


def summarise(result, truth, mask, layouts, size):
    ph = phase_error(result, truth, mask, layouts, size)
    return {"mae": region_mae(result, truth, mask).mean().item(),
            "seam": seam_score(result, truth, mask).mean().item(),
            "phase": ph[~torch.isnan(ph)].mean().item() if (~torch.isnan(ph)).any() else float("nan"),
            "ghosts": ghost_count(result, layouts)}


# ----------------------------------------------------------------------------- runs
def build_methods(env, pack, model, pos, neg, steps, seed, variants=()):
    """name -> latent -> sampled latent. ``variants``: (name, thinking steps, {knob: value}) run through
    LanPaint KSampler (Advanced)'s settings, for investigating knobs on this model."""
    import importlib
    lanpaint = pack.NODE_CLASS_MAPPINGS["LanPaintKSampler"]()
    ksampler_nodes = importlib.import_module(pack.__name__ + ".nodes.ksampler_nodes")
    settings = importlib.import_module(pack.__name__ + ".nodes.settings")
    dd_model = env.nodes_differential_diffusion.DifferentialDiffusion.execute(model)[0]

    def stock(m):
        return lambda latent: env.nodes.common_ksampler(m, seed, steps, 1.0, "euler", SCHEDULER, pos, neg, latent)[0]

    def lanpaint_n(n, every=1):
        return lambda latent: lanpaint.sample(model, seed, steps, 1.0, "euler", SCHEDULER, pos, neg, latent, 1.0,
                                              n, "Image First", think_every=every)[0]

    spec = lanpaint.INPUT_TYPES()
    defaults = (spec["required"]["thinking_steps"][1]["default"], spec["optional"]["think_every"][1]["default"])

    def variant(n, knobs):
        chosen = settings.LanPaintSettings.from_inputs(n, "Image First", **knobs)
        return lambda latent: ksampler_nodes._sample(model, chosen, latent, seed=seed, steps=steps, cfg=1.0,
                                                     sampler_name="euler", scheduler=SCHEDULER, positive=pos,
                                                     negative=neg, denoise=1.0)[0]

    methods = {"stock": stock(model), "LanPaint FLD": lanpaint_n(*defaults), "LanPaint 0": lanpaint_n(0),
               "LanPaint 2": lanpaint_n(2), "LanPaint 10": lanpaint_n(10),
               "Differential Diffusion": stock(dd_model)}
    methods.update({name: variant(n, knobs) for name, n, knobs in variants})
    return methods


def parse_variant(text):
    """"5:step_size=0.2,friction=5" -> ("LanPaint 5 step_size=0.2,friction=5", 5, {...})."""
    n, _, knobs = text.partition(":")
    values = {}
    for item in filter(None, knobs.split(",")):
        key, _, value = item.partition("=")
        values[key] = int(value) if key == "early_stop" else (value if key == "scheme" else float(value))
    return ("LanPaint %s %s" % (n, knobs)).strip(), int(n), values


def with_stock(methods):
    """The methods to run, stock first (every ratio is against it)."""
    return ("stock",) + tuple(m for m in methods if m != "stock")


def run(n_scenes=64, steps=20, seed=0, methods=METHODS, variants=(), log=print):
    torch.set_num_threads(1)
    from devtools import demo_model
    from devtools.host.comfy_env import load_comfy
    from devtools.measure import recording
    from lanpaint_demo import scenes
    from devtools.lanpaint_pack import load_pack
    env = load_comfy()
    pack = load_pack()
    model, clip, vae = demo_model.load()
    (pos,) = env.nodes.CLIPTextEncode().encode(clip, demo_model.PROMPT)
    size = demo_model.SIZE
    seeds = list(range(scenes.HELD_OUT_SEED, scenes.HELD_OUT_SEED + n_scenes))
    layouts = [scenes.layout(s) for s in seeds]
    truth = torch.cat([scenes.render(lay, size) for lay in layouts])
    with torch.no_grad():
        latents = vae.encode(truth)
        floor = vae.decode(latents)
    model, counter = recording(model)
    runners = build_methods(env, pack, model, pos, pos, steps, seed, variants)
    methods = with_stock(methods) + tuple(name for name, _, _ in variants)
    table, pictures = {}, {}
    for kind in scenes.MASK_KINDS:
        mask = torch.cat([scenes.masks(kind, s, size) for s in seeds])
        table[(FLOOR, kind)] = {**summarise(floor, truth, mask, layouts, size), "calls": 0, "seconds": 0.0}
        if kind == "outpaint":
            table[(FLOOR, kind)]["borders"] = border_mae(floor, truth, mask)
        pictures[(kind, "scene")] = truth
        pictures[(kind, "hole")] = truth * (1 - mask[..., None])
        pictures[(kind, FLOOR)] = floor
        for name in methods:
            latent = {"samples": latents.clone(), "noise_mask": mask[:, None].clone()}
            counter.reset()
            t0 = time.perf_counter()
            with torch.no_grad():
                samples = runners[name](latent)["samples"]
                images = vae.decode(samples)
            seconds = time.perf_counter() - t0
            row = {**summarise(images, truth, mask, layouts, size),
                   "calls": counter.batch / n_scenes, "seconds": seconds / n_scenes}
            if kind == "outpaint":
                row["borders"] = border_mae(images, truth, mask)
            table[(name, kind)] = row
            pictures[(kind, name)] = images
            log("%-12s %-22s MAE %.4f  seam %.4f  phase %5.1f deg  ghosts %2d  calls %5.1f  %.3f s/image"
                % (kind, name, row["mae"], row["seam"], row["phase"], row["ghosts"], row["calls"], row["seconds"]))
    return table, pictures


# ----------------------------------------------------------------------------- output
def format_table(table, methods, n_scenes, steps):
    """One row per hole and method, then the mean over holes; MAE ratio and gap closed against stock."""
    from lanpaint_demo.scenes import MASK_KINDS
    lines = ["%d held-out scenes x %d holes, euler / %s, %d steps, cfg 1. MAE, seam, phase: lower is better; "
             "x stock: MAE / stock's MAE; gap closed: (stock - method) / (stock - VAE floor); ghosts: pictures "
             "with a second sun (of %d)." % (n_scenes, len(MASK_KINDS), SCHEDULER, steps, n_scenes), "",
             "| hole | method | MAE | x stock | gap closed | seam | phase° | ghosts | calls / image | s / image |",
             "|---|---|---|---|---|---|---|---|---|---|"]

    def row(kind, name, r, stock, floor):
        first = name == FLOOR
        ratio = "-" if first else "%.2f" % (r["mae"] / stock["mae"])
        gap = "-" if first else "%.0f %%" % (100 * (stock["mae"] - r["mae"]) / max(stock["mae"] - floor["mae"], 1e-9))
        return "| %s | %s | %.4f | %s | %s | %.4f | %.1f | %s | %s | %s |" % (
            kind, name, r["mae"], ratio, gap, r["seam"], r["phase"], r["ghosts"],
            "-" if first else "%.0f" % r["calls"], "-" if first else "%.3f" % r["seconds"])

    for kind in MASK_KINDS:
        for name in (FLOOR,) + tuple(methods):
            lines.append(row(kind, name, table[(name, kind)], table[("stock", kind)], table[(FLOOR, kind)]))
    mean = {name: {key: sum(table[(name, k)][key] for k in MASK_KINDS) / len(MASK_KINDS)
                   for key in ("mae", "seam", "phase", "calls", "seconds")} for name in (FLOOR,) + tuple(methods)}
    for name in mean:
        mean[name]["ghosts"] = sum(table[(name, k)]["ghosts"] for k in MASK_KINDS)
    for name in (FLOOR,) + tuple(methods):
        lines.append(row("**all**", name, mean[name], mean["stock"], mean[FLOOR]))
    lines += ["", "outpaint, MAE of the hole by band (%s): " % " / ".join(BORDERS) + "; ".join(
        "%s %s" % (name, " / ".join("%.3f" % table[(name, "outpaint")]["borders"][b] for b in BORDERS))
        for name in (FLOOR,) + tuple(methods))]
    return "\n".join(lines)


def save_grid(pictures, methods, path, scene_index=None, scale=2):
    """Rows = holes, columns = scene, hole, VAE round trip, methods; row r shows held-out scene r
    (or scene_index for every row)."""
    from PIL import Image, ImageDraw
    from lanpaint_demo.scenes import MASK_KINDS
    cols = ("scene", "hole", FLOOR) + tuple(methods)
    first = pictures[(MASK_KINDS[0], "scene")]
    side = first.shape[1] * scale
    label_h, label_w = 28, 52
    sheet = Image.new("RGB", (label_w + side * len(cols), label_h + side * len(MASK_KINDS)), "white")
    draw = ImageDraw.Draw(sheet)
    for c, name in enumerate(cols):
        words = name.replace("Differential Diffusion", "Diff. Diffusion").replace("round trip", "only").split(" ", 1)
        for j, w in enumerate(words):
            draw.text((label_w + c * side + 3, 2 + 12 * j), w, fill="black")
    for r, kind in enumerate(MASK_KINDS):
        draw.text((4, label_h + r * side + side // 2 - 6), kind, fill="black")
        i = r % first.shape[0] if scene_index is None else scene_index
        for c, name in enumerate(cols):
            img = pictures[(kind, name)][i].clamp(0, 1)
            tile = Image.fromarray((img * 255).round().byte().numpy()).resize((side, side), Image.NEAREST)
            sheet.paste(tile, (label_w + c * side, label_h + r * side))
    sheet.save(path)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenes", type=int, default=64)
    parser.add_argument("--steps", type=int, default=20)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, default=REPO_ROOT / "benchmarks" / "results")
    parser.add_argument("--only", nargs="*", default=list(METHODS), choices=METHODS + EXTRA_METHODS,
                        help="methods to run (default: %s; stock is always run)" % ", ".join(METHODS))
    parser.add_argument("--variant", action="append", default=[], metavar="N:KNOB=V,...",
                        help="extra LanPaint runs with N thinking steps and other knobs, e.g. 5:step_size=0.3")
    args = parser.parse_args(argv)
    t0 = time.time()
    variants = [parse_variant(v) for v in args.variant]
    table, pictures = run(args.scenes, args.steps, args.seed, args.only, variants)
    methods = with_stock(args.only) + tuple(name for name, _, _ in variants)
    text = format_table(table, methods, args.scenes, args.steps)
    print("\n" + text + "\n\n(total %.0f s)" % (time.time() - t0))
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "trained.txt").write_text(text + "\n")
    (args.out / "trained.json").write_text(json.dumps(
        {"scenes": args.scenes, "steps": args.steps, "seed": args.seed,
         "rows": [{"method": m, "mask": k, **v} for (m, k), v in table.items()]}, indent=1) + "\n")
    save_grid(pictures, methods, args.out / "trained.png", scale=3)
    print("wrote %s, trained.json, trained.png" % (args.out / "trained.txt"))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
