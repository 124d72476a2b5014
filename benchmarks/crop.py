"""Big pictures: what crop_padding buys in time and what it costs in exactness, on the real host.

    python -m benchmarks.crop [--part speed|exactness|regions|node|all] [--quick] [--out DIR]

About 55 minutes on 2 shared cores (speed ~7, exactness ~20, regions ~20, node ~4); writes
benchmarks/results/crop_speed.txt, crop_exactness.txt, crop_regions.txt and crop_node.txt (the
LanPaint FLD Crop node itself: benchmarks/crop_node.py). --quick (a few minutes,
writes nothing): SD XL on the 2048^2 picture with the 10 % mask at the workflows' padding
(devtools.workflows.catalog.WORKFLOW_CROP_PADDING) against the whole latent; one field (l = 4), 2000
samples, 10 steps, paddings 0 / 32 / the workflows'; the regions part's SD XL speed and one field. The
parts end with a line giving the workflows' padding's figure.

Every run goes through the LanPaint KSampler node in-process (ComfyUI's own sampler, guider and
model wrappers), with crop_padding -1 (the whole latent) or N image pixels.

Speed (--part speed): tiny seeded SD XL (EPS, UNet) and tiny Flux (flow, 2x2 patches) on the latents
of 1024^2 and 2048^2 pictures (latent 128^2 and 256^2), noise masks at picture resolution: an
offset disc (centre at 40 % of the height and 60 % of the width) covering 3 %, 10 % and 30 % of the
picture. Euler, `--steps` diffusion steps x `--thinking` thinking steps (default 2 x 5: 12 model
calls), cfg 1 (one model call per evaluation; cfg > 1 doubles every call's batch, whole and cropped
alike). Per run: wall seconds, model calls and the latent pixels they processed (sum over calls of
batch x h x w, read from a model_function_wrapper), seconds inside the model, and the peak resident
memory above the resident memory before the run (VmHWM, reset through /proc/self/clear_refs; the
process runs with glibc's mmap threshold fixed at 128 KiB, so freed tensors go back to the system
and each run's peak is its own). The whole-latent run does not depend on the mask (same calls, same
sizes), so it runs once per model and size and is every mask's reference. Attention: PyTorch's
scaled_dot_product_attention (ComfyUI's --use-pytorch-cross-attention, what it picks on NVIDIA
GPUs); --host-attention keeps the host's CPU default (sub-quadratic attention, ~6x slower on the
2048^2 latent, which makes the crop's gain larger still).

Exactness (--part exactness): devtools/host/analytic_models.py -- a Gaussian random field over a
one-channel 40 x 40 latent (separable squared-exponential correlation of length l latent pixels,
nugget 0.05) mounted in a real EPS BaseModel with a denoiser that is exact for whatever window it
is shown, so cropped LanPaint meets the exact denoiser of the crop and loses only the far context.
A 4 x 4 block in the middle is regenerated, everything else is known (one draw of the field);
4000 latents in one batch, 20 Euler (karras) steps x 5 thinking steps. Metric: the moment-fitted
Gaussian KL(fit of the 16 regenerated pixels || exact conditional given ALL known pixels), and its
mean part (m - mu)^T S^-1 (m - mu) / 2. The floor is the same estimator on the same number of exact
conditional samples. "window" is the closed-form KL of the exact conditional given only the known
pixels inside the crop (what a perfect sampler on the crop would reach) -- the crop's own cost, with
no sampling noise. "seed 2" repeats the whole-latent run with another seed: the difference
between the two is the run-to-run noise of a sampled KL.

Several regions (--part regions): two discs of 5 % of the picture each in opposite corners (centres
at 20 % and 80 % of the height and width) of the 2048^2 picture, SD XL and Flux as in the speed part,
at the workflows' padding. "one box": today's single box around both, from the same discs joined by a
16 px band (the band changes what is regenerated, not what the model is shown: the box around both,
checked); "two boxes": the two discs, one box each, sampled as one batch of 2. Exactness as in the
exactness part on a 40 x 80 field with two 4 x 4 blocks in opposite corners (rows 4..7, columns
12..15 and rows 32..35, columns 64..67): the KL is over the 32 regenerated pixels jointly, the window
KL conditions on the known pixels inside both boxes; the workflows' padding runs twice (two seeds),
the gap being the run-to-run noise of a 32-pixel KL.
"""
import argparse
import importlib
import math
import os
import subprocess
import sys
import time

from devtools.lanpaint_pack import REPO_ROOT
from devtools.measure import PeakMemory, recording
from devtools.workflows.catalog import WORKFLOW_CROP_PADDING  # the padding the bundled workflows use

RESULTS = REPO_ROOT / "benchmarks" / "results"

# glibc keeps freed blocks below a dynamic mmap threshold (up to 32 MiB) for reuse, which would hide
# a later run's peak inside an earlier run's leftovers; fixed thresholds make each run's peak its own.
MALLOC_ENV = {"MALLOC_MMAP_THRESHOLD_": "131072", "MALLOC_TRIM_THRESHOLD_": "131072"}

SPEED_MODELS = ("sdxl", "flux")
SPEED_PICTURES = (1024, 2048)
MASK_AREAS = (0.03, 0.10, 0.30)
SPEED_PADDINGS = (32, 64, 128)
MASK_CENTRE = (0.4, 0.6)        # disc centre, fractions of height and width
BAR_AREA, BAR_PICTURE, BAR_RATIO = 0.10, 2048, 4.0   # the bar: >= 4x less time

FIELD_SIZE = 40                 # latent side of the exactness problem
FIELD_REGEN = 4                 # side of the regenerated block in its middle
FIELD_NUGGET = 0.05
FIELD_LENGTHS = (2.0, 4.0, 8.0)
EXACT_PADDINGS = (0, 8, 16, 32, 64, 128)
REGION_AREA = 0.05              # each of the two regions
REGION_CENTRES = ((0.2, 0.2), (0.8, 0.8))  # opposite corners, fractions of height and width
REGION_BAND = 16                # px: the band joining the discs for the one-box reference
REGION_BAR = 4.0                # the bar: two boxes >= 4x faster than the one box around both
REGION_FIELD = (40, 80)
REGION_BLOCKS = ((4, 12), (32, 64))         # top-left corners of the two regenerated blocks
REGION_PADDINGS = (64, 128)
NEGLIGIBLE_KL = 0.005           # about what the sampled KL resolves at 4000 samples
SEED = 0
PARTS = ("speed", "exactness", "regions", "node")


# ----------------------------------------------------------------------------- host
def load_host(host_attention: bool):
    """The host, its tiny models and the LanPaint pack; PyTorch attention unless host_attention."""
    import torch
    torch.set_num_threads(1)
    from devtools.host.comfy_env import comfy_path, load_comfy
    if not host_attention:
        # the effect of ComfyUI's --use-pytorch-cross-attention flag: set before model_management reads it
        sys.path.insert(0, str(comfy_path()))
        import comfy.options
        comfy.options.args_parsing = False
        import comfy.cli_args
        comfy.cli_args.args.use_pytorch_cross_attention = True
    env = load_comfy()
    from devtools.lanpaint_pack import load_pack
    return env, load_pack()


def lanpaint_ksampler(pack, model, conds, latent, *, seed, steps, cfg, thinking, scheduler, crop_padding):
    pos, neg = conds
    node = pack.NODE_CLASS_MAPPINGS["LanPaintKSampler"]()
    (out,) = node.sample(model, seed, steps, cfg, "euler", scheduler, pos, neg, latent, 1.0, thinking,
                         "Image First", crop_padding)
    return out["samples"]


# ----------------------------------------------------------------------------- speed
def disc_mask(side: int, area: float):
    """[1, 1, side, side] picture-resolution noise mask: a disc of `area` x side^2 pixels, offset."""
    import torch
    r = side * math.sqrt(area / math.pi)
    yy, xx = torch.meshgrid(torch.arange(side) + 0.5, torch.arange(side) + 0.5, indexing="ij")
    cy, cx = MASK_CENTRE[0] * side, MASK_CENTRE[1] * side
    return (((yy - cy) ** 2 + (xx - cx) ** 2) <= r * r).float()[None, None]


def speed(emit, args, env, pack):
    import torch
    from devtools.host import tiny_families as fam
    pictures = (BAR_PICTURE,) if args.quick else SPEED_PICTURES
    areas = (BAR_AREA,) if args.quick else MASK_AREAS
    paddings = (WORKFLOW_CROP_PADDING,) if args.quick else SPEED_PADDINGS
    models = SPEED_MODELS[:1] if args.quick else SPEED_MODELS
    emit(f"== speed: LanPaint KSampler, euler, {args.steps} steps x {args.thinking} thinking, cfg 1, "
         f"offset disc masks, torch threads {torch.get_num_threads()}, attention "
         f"{'host default' if args.host_attention else 'PyTorch SDPA'} ==")
    emit("whole: crop_padding -1 (one run per model and picture: it does not depend on the mask). "
         "Mpx = latent pixels through the model, summed over calls (x batch). peak: resident MiB above "
         "the start of the run. x: whole / cropped.")
    emit(f"{'model':<5} {'picture':>7} {'mask':>4} {'pad':>5} {'window':>9} {'calls':>5} {'Mpx':>7} "
         f"{'wall s':>8} {'model s':>8} {'peak MiB':>8} {'x time':>7} {'x Mpx':>6} {'x peak':>6}")
    table = {}
    for family in models:
        base = fam.builder_for(family)(seed=0)
        model, counter = recording(base)
        conds = fam.conds_for(family)
        channels = fam.latent_shape_for(family)[1]
        for picture in pictures:
            side = picture // 8
            latent = torch.randn((1, channels, side, side), generator=torch.Generator().manual_seed(1))

            def one(mask, pad):
                counter.reset()
                with PeakMemory() as peak:
                    t = time.perf_counter()
                    lanpaint_ksampler(pack, model, conds, {"samples": latent, "noise_mask": mask}, seed=SEED,
                                      steps=args.steps, cfg=1.0, thinking=args.thinking, scheduler="normal",
                                      crop_padding=pad)
                    wall = time.perf_counter() - t
                (h, w), = counter.sizes
                return dict(wall=wall, calls=counter.calls, mpx=counter.pixels / 1e6, model_s=counter.seconds,
                            peak=peak.mib, window=f"{h}x{w}")

            whole = one(disc_mask(picture, areas[0]), -1)
            table[(family, picture, None, -1)] = whole
            emit(_speed_row(family, picture, "any", -1, whole, None))
            for area in areas:
                mask = disc_mask(picture, area)
                for pad in paddings:
                    row = one(mask, pad)
                    table[(family, picture, area, pad)] = row
                    emit(_speed_row(family, picture, f"{area:.0%}", pad, row, whole))
    if BAR_PICTURE in pictures and BAR_AREA in areas:
        emit(f"bar (at least {BAR_RATIO:g}x less time, {BAR_AREA:.0%} mask, {BAR_PICTURE}^2 picture): " + "; ".join(
            f"{family} pad {pad}: {_ratio(table, family, pad):.1f}x "
            f"{'meets' if _ratio(table, family, pad) >= BAR_RATIO else 'MISSES'}"
            for family in models for pad in paddings))
        if WORKFLOW_CROP_PADDING in paddings:
            emit(f"the workflows' padding {WORKFLOW_CROP_PADDING} px: " + "; ".join(
                f"{family} {_ratio(table, family, WORKFLOW_CROP_PADDING):.1f}x less time" for family in models)
                + " (its exactness cost: --part exactness)")
    return table


def _ratio(table, family, pad):
    whole = table[(family, BAR_PICTURE, None, -1)]["wall"]
    return whole / table[(family, BAR_PICTURE, BAR_AREA, pad)]["wall"]


def _speed_row(family, picture, mask, pad, row, whole):
    ratios = ("", "", "") if whole is None else (
        f"{whole['wall'] / row['wall']:.1f}", f"{whole['mpx'] / row['mpx']:.1f}",
        f"{whole['peak'] / max(row['peak'], 1e-3):.1f}")
    return (f"{family:<5} {picture:>7} {mask:>4} {pad:>5} {row['window']:>9} {row['calls']:>5} {row['mpx']:>7.3f} "
            f"{row['wall']:>8.2f} {row['model_s']:>8.2f} {row['peak']:>8.0f} {ratios[0]:>7} {ratios[1]:>6} "
            f"{ratios[2]:>6}")


# ----------------------------------------------------------------------------- exactness
def _windows_seen(counter, latents_per_box) -> str:
    """'hxw', or 'N x hxw' for N boxes of one size per model call (cfg 1)."""
    (h, w), = counter.sizes
    boxes = round(counter.pixels / (counter.calls * latents_per_box * h * w))
    return f"{h}x{w}" if boxes == 1 else f"{boxes} x {h}x{w}"


def field_table(emit, pack, regen, lengths, runs, n, steps):
    """The exactness table for the field problem with `regen` [h, w] regenerated: per length, the
    exact-sample floor, then each of `runs` (label, crop_padding, seed); returns {(length, label): row}."""
    import torch
    from benchmarks.analytic import gaussian_kl
    from devtools.host.analytic_models import (GaussianField, analytic_conds, analytic_field_model,
                                               exact_gaussian_kl, gaussian_mean_kl)
    from lanpaint_core.crop import regen_boxes
    h, w = regen.shape
    mask = regen.float()[None, None]
    width = 11 if len(regen_boxes(mask, 0, 1, (h, w))) > 1 else 7
    emit(f"{'l':>4} {'pad px':>6} {'pad/l':>6} {'window':>{width}} {'window KL':>10} {'KL':>8} {'mean':>8} "
         f"{'KL-whole':>9} {'calls':>5} {'s':>6}")
    table = {}
    for length in lengths:
        field = GaussianField(length, FIELD_NUGGET)
        model, counter = recording(analytic_field_model(field))
        known = field.sample(1, h, w, torch.Generator().manual_seed(SEED + 7))[0]
        mean, cov = field.conditional(known, regen)
        exact = mean + torch.randn(n, int(regen.sum()), generator=torch.Generator().manual_seed(SEED + 8),
                                   dtype=torch.float64) @ torch.linalg.cholesky(cov).T
        floor = (gaussian_kl(exact, mean, cov), gaussian_mean_kl(exact, mean, cov))
        table[(length, "floor")] = dict(kl=floor[0], mean=floor[1])
        emit(f"{length:>4g} {'floor':>6} {'':>6} {'':>{width}} {'':>10} {floor[0]:>8.4f} {floor[1]:>8.4f}")
        latent = torch.where(regen, torch.zeros(()), known).float()[None, None].expand(n, 1, h, w)
        whole_kl = None
        for label, pad, seed in runs:
            counter.reset()
            t = time.perf_counter()
            out = lanpaint_ksampler(pack, model, analytic_conds(), {"samples": latent.contiguous(), "noise_mask": mask},
                                    seed=seed, steps=steps, cfg=1.0, thinking=5, scheduler="karras",
                                    crop_padding=pad)
            secs = time.perf_counter() - t
            if not torch.equal(out[:, 0][:, ~regen], latent[:, 0][:, ~regen]):
                raise AssertionError(f"l={length} pad={pad}: the kept region changed")
            x = out[:, 0][:, regen].double()
            kl, mean_kl = gaussian_kl(x, mean, cov), gaussian_mean_kl(x, mean, cov)
            whole_kl = kl if whole_kl is None else whole_kl
            window, window_kl = _windows_seen(counter, n), 0.0
            if pad >= 0:
                boxes = regen_boxes(mask, -(-pad // 8), 1, (h, w))
                sizes = {(b[1] - b[0], b[3] - b[2]) for b in boxes}
                expected = f"{len(boxes)} x " if len(boxes) > 1 else ""
                if len(sizes) != 1 or window != expected + "%dx%d" % sizes.pop():
                    raise AssertionError(f"the model saw {window}, the boxes are {boxes}")
                window_kl = exact_gaussian_kl(*field.conditional(known, regen, window=boxes), mean, cov)
            table[(length, label)] = dict(kl=kl, mean=mean_kl, window_kl=window_kl, window=window)
            emit(f"{length:>4g} {label:>6} {'' if pad < 0 else f'{pad / 8 / length:.2f}':>6} {window:>{width}} "
                 f"{window_kl:>10.4f} {kl:>8.4f} {mean_kl:>8.4f} {kl - whole_kl:>+9.4f} {counter.calls:>5} "
                 f"{secs:>6.1f}")
    return table


def _workflow_padding_cost(table, lengths) -> str:
    pad = WORKFLOW_CROP_PADDING
    return "; ".join(f"l = {length:g}: window KL {table[(length, pad)]['window_kl']:.4f}, sampled KL "
                     f"{table[(length, pad)]['kl'] - table[(length, 'whole')]['kl']:+.4f} vs whole"
                     for length in lengths)


def exactness(emit, args, env, pack):
    import torch
    n = args.samples or (2000 if args.quick else 4000)
    steps = 10 if args.quick else 20
    lengths = (4.0,) if args.quick else FIELD_LENGTHS
    paddings = (0, 32, WORKFLOW_CROP_PADDING) if args.quick else EXACT_PADDINGS
    size, k = FIELD_SIZE, FIELD_REGEN
    lo = (size - k) // 2
    regen = torch.zeros(size, size, dtype=torch.bool)
    regen[lo:lo + k, lo:lo + k] = True
    emit(f"== exactness: Gaussian field on a 1-channel {size}x{size} latent, {k}x{k} regenerated in the "
         f"middle, nugget {FIELD_NUGGET}, {n} samples, LanPaint KSampler {steps} steps x 5 thinking, euler / "
         f"karras, cfg 1, EPS ==")
    emit("KL: moment-fitted Gaussian KL of the regenerated pixels to the exact conditional given every "
         "known pixel; mean: its mean part. window: closed-form KL of the exact conditional given only the "
         "crop's known pixels (a perfect sampler's cost of the crop). floor: exact samples, same estimator.")
    # the whole latent twice (two seeds): the gap between them is the run-to-run noise of a KL
    runs = [("whole", -1, SEED), ("seed 2", -1, SEED + 1)] + [(p, p, SEED) for p in paddings]
    table = field_table(emit, pack, regen, lengths, runs, n, steps)
    emit(f"smallest padding whose crop costs a perfect sampler at most {NEGLIGIBLE_KL} (window KL): " + "; ".join(
        f"l = {length:g}: " + next((f"{p} px ({p / 8 / length:.2f} l)" for p in paddings
                                    if table[(length, p)]["window_kl"] <= NEGLIGIBLE_KL), f"above {paddings[-1]} px")
        for length in lengths))
    if WORKFLOW_CROP_PADDING in paddings:
        emit(f"the workflows' padding {WORKFLOW_CROP_PADDING} px costs: " + _workflow_padding_cost(table, lengths)
             + " (its speed: --part speed)")
    return table


# ----------------------------------------------------------------------------- several regions
def discs_mask(side: int, area: float, centres, band: int = 0):
    """[1, 1, side, side] mask: a disc of `area` x side^2 pixels at each centre (fractions), and with
    band > 0 a band that wide along the segment joining the first two centres."""
    import torch
    r = side * math.sqrt(area / math.pi)
    yy, xx = torch.meshgrid(torch.arange(side) + 0.5, torch.arange(side) + 0.5, indexing="ij")
    points = [(cy * side, cx * side) for cy, cx in centres]
    mask = torch.zeros(side, side, dtype=torch.bool)
    for cy, cx in points:
        mask |= ((yy - cy) ** 2 + (xx - cx) ** 2) <= r * r
    if band:
        (ay, ax), (by, bx) = points[:2]
        dy, dx = by - ay, bx - ax
        s = (((yy - ay) * dy + (xx - ax) * dx) / (dy * dy + dx * dx)).clamp(0, 1)
        mask |= ((yy - ay - s * dy) ** 2 + (xx - ax - s * dx) ** 2) <= (band / 2) ** 2
    return mask.float()[None, None]


def regions(emit, args, env, pack):
    import torch
    from devtools.host import tiny_families as fam
    from lanpaint_core.crop import regen_boxes
    host_model = importlib.import_module(pack.__name__ + ".nodes.host_model")
    pad = WORKFLOW_CROP_PADDING
    models = SPEED_MODELS[:1] if args.quick else SPEED_MODELS
    emit(f"== several regions, speed: two {REGION_AREA:.0%} discs in opposite corners of a {BAR_PICTURE}^2 "
         f"picture, padding {pad} px, LanPaint KSampler, euler, {args.steps} steps x {args.thinking} thinking, "
         f"cfg 1, torch threads {torch.get_num_threads()}, attention "
         f"{'host default' if args.host_attention else 'PyTorch SDPA'} ==")
    emit("one box: the box around both regions (the discs joined by a band: the same box); two boxes: one "
         "per region, one batch. Mpx: latent pixels through the model, summed over calls.")
    emit(f"{'model':<5} {'run':<9} {'windows':>13} {'calls':>5} {'Mpx':>7} {'wall s':>8} {'model s':>8} "
         f"{'x time':>7} {'x Mpx':>6}")
    side = BAR_PICTURE // 8
    ratios = {}
    for family in models:
        model, counter = recording(fam.builder_for(family)(seed=0))
        conds = fam.conds_for(family)
        latent = torch.randn((1, fam.latent_shape_for(family)[1], side, side),
                             generator=torch.Generator().manual_seed(1))
        rows = {}
        for label, band in (("one box", REGION_BAND), ("two boxes", 0)):
            mask = discs_mask(BAR_PICTURE, REGION_AREA, REGION_CENTRES, band)
            counter.reset()
            t0 = time.perf_counter()
            lanpaint_ksampler(pack, model, conds, {"samples": latent, "noise_mask": mask}, seed=SEED,
                              steps=args.steps, cfg=1.0, thinking=args.thinking, scheduler="normal",
                              crop_padding=pad)
            rows[label] = dict(wall=time.perf_counter() - t0, calls=counter.calls, mpx=counter.pixels / 1e6,
                               model_s=counter.seconds, windows=_windows_seen(counter, 1))
        # the one-box run must have sampled today's box around the two discs
        base = model.model
        apart = env.utils.reshape_mask(discs_mask(BAR_PICTURE, REGION_AREA, REGION_CENTRES), latent.shape)
        apart_boxes = regen_boxes(apart, host_model.latent_padding(base, pad), host_model.spatial_alignment(base),
                                  (side, side))
        top, bottom = min(b[0] for b in apart_boxes), max(b[1] for b in apart_boxes)   # the box around both
        left, right = min(b[2] for b in apart_boxes), max(b[3] for b in apart_boxes)
        if rows["one box"]["windows"] != f"{bottom - top}x{right - left}" or \
                not rows["two boxes"]["windows"].startswith("2 x "):
            raise AssertionError(f"{family}: expected the box around both and two boxes, got {rows}")
        for label, row in rows.items():
            base = rows["one box"]
            emit(f"{family:<5} {label:<9} {row['windows']:>13} {row['calls']:>5} {row['mpx']:>7.3f} "
                 f"{row['wall']:>8.2f} {row['model_s']:>8.2f} {base['wall'] / row['wall']:>7.1f} "
                 f"{base['mpx'] / row['mpx']:>6.1f}")
        ratios[family] = rows["one box"]["wall"] / rows["two boxes"]["wall"]
    emit(f"bar (two boxes at least {REGION_BAR:g}x faster than the one box around both): " + "; ".join(
        f"{family} {r:.1f}x {'meets' if r >= REGION_BAR else 'MISSES'}" for family, r in ratios.items()))

    n = args.samples or (1000 if args.quick else 4000)
    steps = 10 if args.quick else 20
    lengths = (4.0,) if args.quick else FIELD_LENGTHS
    (h, w), k = REGION_FIELD, FIELD_REGEN
    regen = torch.zeros(h, w, dtype=torch.bool)
    for top, left in REGION_BLOCKS:
        regen[top:top + k, left:left + k] = True
    emit()
    emit(f"== several regions, exactness: Gaussian field on a 1-channel {h}x{w} latent, two {k}x{k} blocks "
         f"regenerated in opposite corners, nugget {FIELD_NUGGET}, {n} samples, LanPaint KSampler {steps} steps "
         f"x 5 thinking, euler / karras, cfg 1, EPS ==")
    emit(f"KL over the {2 * k * k} regenerated pixels jointly; columns as in the exactness part (window: the boxes "
         f"the model was shown; window KL: given the known pixels inside both boxes). '{pad} s2': padding {pad} "
         "with another seed.")
    # the workflows' padding twice (two seeds): the gap between them is the run-to-run noise of a KL
    runs = [("whole", -1, SEED)] + [(p, p, SEED) for p in REGION_PADDINGS] + [(f"{pad} s2", pad, SEED + 1)]
    table = field_table(emit, pack, regen, lengths, runs, n, steps)
    emit(f"the workflows' padding {pad} px on two regions costs: " + _workflow_padding_cost(table, lengths))
    emit(f"run-to-run noise (padding {pad}, the other seed minus the first): " + "; ".join(
        f"l = {length:g}: {table[(length, f'{pad} s2')]['kl'] - table[(length, pad)]['kl']:+.4f}"
        for length in lengths))


# ----------------------------------------------------------------------------- main
def _without_part(argv):
    out, skip = [], False
    for a in argv:
        if not skip and not a.startswith("--part"):
            out.append(a)
        skip = a == "--part"
    return out


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--part", choices=PARTS + ("all",), default="all")
    ap.add_argument("--quick", action="store_true", help="SD XL, 2048^2, 10 %% mask, the workflows' padding; one field")
    ap.add_argument("--steps", type=int, default=2, help="speed: diffusion steps")
    ap.add_argument("--thinking", type=int, default=5, help="speed: thinking steps")
    ap.add_argument("--samples", type=int, default=None, help="exactness: latents per run (default 4000)")
    ap.add_argument("--host-attention", action="store_true", help="speed: keep the host's CPU attention")
    ap.add_argument("--out", default=str(RESULTS))
    args = ap.parse_args(argv)
    parts = PARTS if args.part == "all" else (args.part,)
    malloc_fixed = all(os.environ.get(k) == v for k, v in MALLOC_ENV.items())
    if "speed" in parts and not malloc_fixed:
        # the speed part measures memory: run it in a child with the fixed thresholds (which would
        # only slow the exactness part down: every fresh tensor there is page faults, not compute)
        subprocess.run([sys.executable, "-m", "benchmarks.crop", *_without_part(argv), "--part", "speed"],
                       cwd=str(REPO_ROOT),
                       env={**os.environ, **MALLOC_ENV}, check=True)
        parts = tuple(p for p in parts if p != "speed")
        if not parts:
            return

    from benchmarks.crop_node import node
    env, pack = load_host(args.host_attention) if set(parts) - {"node"} else (None, None)
    os.makedirs(args.out, exist_ok=True)
    t_start = time.perf_counter()
    for part in parts:
        run, name = {"speed": speed, "exactness": exactness, "regions": regions,
                     "node": lambda emit, args, env, pack: node(emit, args)}[part], f"crop_{part}.txt"
        lines = []

        def emit(s=""):
            print(s, flush=True)
            lines.append(s)

        t0 = time.perf_counter()
        run(emit, args, env, pack)
        emit(f"({time.perf_counter() - t0:.0f} s)")
        if not args.quick:
            with open(os.path.join(args.out, name), "w") as f:
                f.write("\n".join(lines) + "\n")
            print(f"wrote {os.path.join(args.out, name)}")
        print()
    print(f"total {time.perf_counter() - t_start:.0f} s")


if __name__ == "__main__":
    main()
