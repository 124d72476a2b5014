"""crop_padding with several regions: one box per region, boxes of one size as one batch, each pasted
back exactly; on tiny real models through every node."""
import pytest
import torch

from devtools.host import model_calls as mc
from devtools.host import tiny_models as tm
from lanpaint_core.crop import crop
from tests.call_counts import expected_model_calls
from tests.crop_runs import H, W, hint_recorder, latent_for, recorder, regions_mask, shape_recorder
from tests.node_runner import NODE_PATHS, run

FIRST = (2, 5, 2, 5)            # latent-pixel rectangles (top, bottom, left, right)
SECOND = (16, 21, 15, 22)       # another size than FIRST's
SAME_SIZE = (17, 20, 18, 21)    # FIRST's size
PAD_PX = 8                      # crop_padding: one latent pixel


def grown(rect):
    top, bottom, left, right = rect
    return top - 1, bottom + 1, left - 1, right + 1


def outside(*boxes):
    keep = torch.ones(H, W, dtype=torch.bool)
    for top, bottom, left, right in boxes:
        keep[top:bottom, left:right] = False
    return keep


@pytest.mark.parametrize("path", NODE_PATHS)
def test_two_regions_are_two_boxes_each_sampled_as_alone_and_pasted_exactly(sdxl, path):
    model, conds = sdxl
    alone = [run(path, model, latent_for("sdxl", regions_mask(r)), conds=conds, crop_padding=PAD_PX)
             for r in (FIRST, SECOND)]
    recording, sizes = shape_recorder(model)
    both = run(path, recording, latent_for("sdxl", regions_mask(FIRST, SECOND)), conds=conds, crop_padding=PAD_PX)
    boxes = grown(FIRST), grown(SECOND)
    half = len(sizes) // 2
    assert sizes == [(5, 5)] * half + [(7, 9)] * half, sizes  # one run per box, the first region's first
    for box, one in zip(boxes, alone):
        assert torch.equal(crop(both, box), crop(one, box))
    whole = run(path, model, latent_for("sdxl", regions_mask(FIRST, SECOND)), conds=conds)
    keep = outside(*boxes)
    assert torch.equal(both[..., keep], whole[..., keep])
    assert not torch.equal(both, whole)


def test_regions_of_one_size_are_one_batch(sdxl):
    model, conds = sdxl
    latent = latent_for("sdxl", regions_mask(FIRST, SAME_SIZE))
    single, single_calls = recorder(model, lambda args: tuple(args["input"].shape))
    run("ksampler", single, latent_for("sdxl", regions_mask(FIRST)), conds=conds, crop_padding=PAD_PX)
    batched, calls = recorder(model, lambda args: tuple(args["input"].shape))
    both = run("ksampler", batched, latent, conds=conds, crop_padding=PAD_PX)
    assert len(calls) == len(single_calls)  # one run, not one per box
    assert [(2 * s[0],) + s[1:] for s in single_calls] == calls, (single_calls, calls)
    boxes = grown(FIRST), grown(SAME_SIZE)
    whole = run("ksampler", model, latent, conds=conds)
    keep = outside(*boxes)
    assert torch.equal(both[..., keep], whole[..., keep])
    for box in boxes:
        assert (crop(both, box) - crop(whole, box)).abs().max() > 1e-3  # each box sampled, with less context
    assert torch.isfinite(both).all()
    assert torch.equal(run("ksampler", model, latent, conds=conds, crop_padding=PAD_PX), both)  # determinism


def test_boxes_that_overlap_are_one_box(sdxl):
    model, conds = sdxl
    near = (2, 5, 7, 10)  # two columns from FIRST: their boxes, grown by 1, share a column
    recording, sizes = shape_recorder(model)
    out = run("ksampler", recording, latent_for("sdxl", regions_mask(FIRST, near)), conds=conds,
              crop_padding=PAD_PX)
    assert set(sizes) == {(5, 10)}, sizes  # rows 1..6, columns 1..11
    whole = run("ksampler", model, latent_for("sdxl", regions_mask(FIRST, near)), conds=conds)
    keep = outside((1, 6, 1, 11))
    assert torch.equal(out[..., keep], whole[..., keep])


def test_batched_boxes_get_their_own_controlnet_hints_and_inpainting_concat(sdxl, comfy):
    _, (pos, neg) = sdxl
    model = tm.tiny_sdxl_inpaint(0)
    control = tm.tiny_sdxl_controlnet(0)
    image = torch.rand(1, H * 8, W * 8, 3, generator=torch.Generator().manual_seed(5))
    c_pos, c_neg = comfy.nodes.ControlNetApplyAdvanced().apply_controlnet(pos, neg, control, image, 1.0, 0.0, 1.0)
    latent = latent_for("sdxl", regions_mask(FIRST, SAME_SIZE))
    boxes = grown(FIRST), grown(SAME_SIZE)
    hints, handle = hint_recorder(control)
    try:
        whole_model, whole_concat = recorder(model, lambda args: args["c"]["c_concat"])
        whole = run("ksampler", whole_model, latent, conds=(c_pos, c_neg))
        full_hint = hints[0][:1]
        hints.clear()
        crop_model, crop_concat = recorder(model, lambda args: args["c"]["c_concat"])
        cropped = run("ksampler", crop_model, latent, conds=(c_pos, c_neg), crop_padding=PAD_PX)
    finally:
        handle.remove()
    assert full_hint.shape[-2:] == (H * 8, W * 8) and hints
    for hint in hints:  # per box, the full hint's crop; repeated for cond and uncond
        per_box = torch.cat([full_hint[..., b[0] * 8:b[1] * 8, b[2] * 8:b[3] * 8] for b in boxes])
        assert torch.equal(hint, per_box.repeat(hint.shape[0] // 2, 1, 1, 1))
    for full, part in zip(whole_concat, crop_concat):
        per_box = torch.cat([crop(full[:1], b) for b in boxes])
        assert torch.equal(part, per_box.repeat(part.shape[0] // 2, 1, 1, 1))
    keep = outside(*boxes)
    assert torch.equal(cropped[..., keep], whole[..., keep])


def test_conditioning_that_cannot_be_stacked_samples_the_boxes_one_by_one(sdxl, comfy):
    model, (pos, neg) = sdxl
    region = torch.zeros(3, H * 8, W * 8)  # a Conditioning (Set Mask) mask of batch 3 on a latent of batch 2
    region[:, :, 100:] = 1.0
    masked_pos = comfy.nodes.ConditioningSetMask().append(pos, region, "default", 1.0)[0] + pos
    latent = latent_for("sdxl", regions_mask(FIRST, SAME_SIZE, batch=2))
    recording, calls = recorder(model, lambda args: tuple(args["input"].shape))
    out = run("ksampler", recording, latent, conds=(masked_pos, neg), crop_padding=PAD_PX)
    single, single_calls = recorder(model, lambda args: tuple(args["input"].shape))
    run("ksampler", single, latent_for("sdxl", regions_mask(FIRST, batch=2)), conds=(masked_pos, neg),
        crop_padding=PAD_PX)
    assert calls == single_calls * 2  # one run per box, each at the single box's batch
    whole = run("ksampler", model, latent, conds=(masked_pos, neg))
    keep = outside(grown(FIRST), grown(SAME_SIZE))
    assert torch.equal(out[..., keep], whole[..., keep]) and torch.isfinite(out).all()


def test_previews_and_progress_span_every_box(sdxl, comfy):
    model, (pos, neg) = sdxl
    from tests.node_runner import method_defaults, node
    lp = node("LanPaintSampler").get_sampler("euler", 2, "Image First", **method_defaults(),
                                             crop_padding=PAD_PX)[0]
    latent = latent_for("sdxl", regions_mask(FIRST, SECOND))
    lat = latent["samples"]
    noise = torch.randn(lat.shape, generator=torch.Generator().manual_seed(3))
    mask = comfy.utils.reshape_mask(latent["noise_mask"], lat.shape)
    seen = []
    out = comfy.sample.sample_custom(model, noise, 3.0, lp, mc.sigmas_for(model, "normal", 3), pos, neg, lat,
                                     noise_mask=mask, disable_pbar=True, seed=1,
                                     callback=lambda step, x0, x, total: seen.append((step, x0.clone(), total)))
    per_run = expected_model_calls(3, 2)
    assert [s for s, _, _ in seen] == list(range(2 * per_run)) and {t for _, _, t in seen} == {2 * per_run}
    keep = outside(grown(FIRST), grown(SECOND))
    latent_in = model.model.process_latent_in(lat)
    first_done = crop(model.model.process_latent_in(out), grown(FIRST))
    for step, x0, _ in seen:
        assert x0.shape == lat.shape and torch.equal(x0[..., keep], latent_in[..., keep]), step
    for step, x0, _ in seen[per_run:]:  # the second box's previews show the first box's result
        torch.testing.assert_close(crop(x0, grown(FIRST)), first_done, rtol=1e-5, atol=1e-5)
