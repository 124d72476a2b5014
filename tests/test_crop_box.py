"""lanpaint_core.crop: the boxes around the regenerated regions (pure torch)."""
import random

import pytest
import torch

from lanpaint_core.crop import (MAX_REGIONS, TooManyRegions, covers, crop, crop_boxes, paste_boxes, regen_boxes,
                                regions, same_size_groups, scale_box, sliding_max)


def _snapped(box, pad, align, size):
    top, bottom, left, right = box
    return (max((top - pad) // align * align, 0), min(-(-(bottom + pad) // align) * align, size[0]),
            max((left - pad) // align * align, 0), min(-(-(right + pad) // align) * align, size[1]))


def regen_box(mask, pad, align, size):
    """The one box around every pixel of mask > 0 (all leading dims), grown, snapped and clamped."""
    rows, cols = torch.nonzero((mask > 0).reshape(-1, *size).any(0), as_tuple=True)
    if rows.numel() == 0:
        return None
    return _snapped((int(rows.min()), int(rows.max()) + 1, int(cols.min()), int(cols.max()) + 1), pad, align, size)


def reference_boxes(mask, pad, align, size):
    """regen_boxes the slow way: grow by a square window, flood-fill 8-connected regions pixel by
    pixel, merge overlapping boxes pairwise until none overlap."""
    used = (mask > 0).reshape(-1, *size).any(0)
    if pad:
        used = torch.nn.functional.max_pool2d(used[None, None].float(), 2 * pad + 1, stride=1, padding=pad)[0, 0] > 0
    on, seen, boxes = used.tolist(), set(), []
    for start in ((r, c) for r in range(size[0]) for c in range(size[1]) if on[r][c]):
        if start in seen:
            continue
        seen.add(start)
        stack, (top, bottom, left, right) = [start], (start[0], start[0], start[1], start[1])
        while stack:
            r, c = stack.pop()
            top, bottom, left, right = min(top, r), max(bottom, r), min(left, c), max(right, c)
            for n in ((r + dr, c + dc) for dr in (-1, 0, 1) for dc in (-1, 0, 1)):
                if 0 <= n[0] < size[0] and 0 <= n[1] < size[1] and on[n[0]][n[1]] and n not in seen:
                    seen.add(n)
                    stack.append(n)
        boxes.append(_snapped((top, bottom + 1, left, right + 1), 0, align, size))
    merged = True
    while merged:
        merged = False
        for i, a in enumerate(boxes):
            j = next((j for j, b in enumerate(boxes) if j != i and a[0] < b[1] and b[0] < a[1] and a[2] < b[3]
                      and b[2] < a[3]), None)
            if j is not None:
                b = boxes[j]
                boxes = [x for k, x in enumerate(boxes) if k not in (i, j)]
                boxes.append((min(a[0], b[0]), max(a[1], b[1]), min(a[2], b[2]), max(a[3], b[3])))
                merged = True
                break
    return sorted(boxes)


def test_box_is_the_union_grown_snapped_and_clamped():
    mask = torch.zeros(2, 1, 3, 20, 30)          # batch 2, frames 3
    mask[0, 0, 0, 4, 7] = 1.0
    mask[1, 0, 2, 9, 12] = 0.01                   # any value above 0 counts (a mask function may use it)
    assert regen_box(mask, 0, 1, (20, 30)) == (4, 10, 7, 13)
    assert regen_box(mask, 1, 1, (20, 30)) == (3, 11, 6, 14)
    assert regen_box(mask, 1, 4, (20, 30)) == (0, 12, 4, 16)  # outward to multiples of 4
    assert regen_box(mask, 100, 2, (20, 30)) == (0, 20, 0, 30)
    assert covers(regen_box(mask, 100, 2, (20, 30)), (20, 30))
    assert regen_box(torch.zeros(1, 4, 20, 30), 3, 2, (20, 30)) is None


def test_bad_arguments_are_errors():
    with pytest.raises(ValueError, match="pad"):
        regen_boxes(torch.ones(1, 8, 8), -1, 1, (8, 8))
    with pytest.raises(ValueError, match="latent"):
        regen_boxes(torch.ones(1, 8, 8), 0, 1, (8, 9))


def two_regions(size=(40, 60)):
    mask = torch.zeros(1, 1, *size)
    mask[..., 2:5, 3:6] = 1.0
    mask[..., 30:35, 50:55] = 0.2
    return mask


def test_two_regions_get_two_boxes_each_grown_snapped_and_clamped():
    mask = two_regions()
    assert regen_boxes(mask, 0, 1, (40, 60)) == [(2, 5, 3, 6), (30, 35, 50, 55)]
    assert regen_boxes(mask, 3, 1, (40, 60)) == [(0, 8, 0, 9), (27, 38, 47, 58)]
    assert regen_boxes(mask, 3, 4, (40, 60)) == [(0, 8, 0, 12), (24, 40, 44, 60)]
    assert regen_box(mask, 3, 4, (40, 60)) == (0, 40, 0, 60)  # the one box around both: the whole latent


def test_boxes_that_overlap_merge_until_none_do():
    mask = torch.zeros(1, 1, 30, 30)
    mask[..., 2, 2] = 1.0
    mask[..., 2, 9] = 1.0     # 7 pixels apart: joined once both grow by 3 (their grown pixels touch)
    mask[..., 12, 13] = 1.0
    assert regen_boxes(mask, 2, 1, (30, 30)) == [(0, 5, 0, 5), (0, 5, 7, 12), (10, 15, 11, 16)]
    assert regen_boxes(mask, 3, 1, (30, 30)) == [(0, 6, 0, 13), (9, 16, 10, 17)]
    assert regen_boxes(mask, 5, 1, (30, 30)) == [regen_box(mask, 5, 1, (30, 30))]
    # boxes that overlap only after snapping merge too
    gap = torch.zeros(1, 1, 6, 30)
    gap[..., 2, 1] = gap[..., 2, 3] = 1.0  # a pixel apart: two regions, one 4 x 4 patch
    assert regen_boxes(gap, 0, 1, (6, 30)) == [(2, 3, 1, 2), (2, 3, 3, 4)]
    assert regen_boxes(gap, 0, 4, (6, 30)) == [(0, 4, 0, 4)]
    # a region inside another's box (an L and a dot in its corner) merges, though they never touch
    corner = torch.zeros(1, 1, 20, 20)
    corner[..., 0, 0:11] = 1.0
    corner[..., 0:11, 0] = 1.0
    corner[..., 8, 8] = 1.0
    assert regen_boxes(corner, 0, 1, (20, 20)) == [(0, 11, 0, 11)]


def test_one_region_is_the_box_around_it_and_regions_join_over_leading_dims():
    mask = torch.zeros(2, 1, 3, 20, 30)           # batch 2, frames 3
    mask[0, 0, 0, 4:6, 7:9] = 1.0
    mask[1, 0, 2, 6:8, 9:12] = 0.01                # diagonal neighbour of the first in the union: one region
    for pad, align in ((0, 1), (1, 1), (1, 4), (100, 2)):
        assert regen_boxes(mask, pad, align, (20, 30)) == [regen_box(mask, pad, align, (20, 30))]
    assert regen_boxes(torch.zeros(1, 4, 20, 30), 3, 2, (20, 30)) == []


def test_regions_are_found_for_long_and_many_shapes():
    serpent = torch.zeros(64, 64)
    serpent[::4, 1:63] = 1.0
    serpent[torch.arange(64) % 8 < 5, 62] = 1.0     # joins rows 0-4, 8-12, ... on the right
    serpent[(torch.arange(64) + 4) % 8 < 5, 1] = 1.0  # and rows 4-8, ... on the left
    assert regen_boxes(serpent, 0, 1, (64, 64)) == [(0, 64, 1, 63)]
    dots = torch.zeros(20, 20)
    dots[1::4, 1::4] = 1.0
    boxes = regen_boxes(dots, 0, 1, (20, 20))
    assert boxes == [(r, r + 1, c, c + 1) for r in range(1, 20, 4) for c in range(1, 20, 4)]
    assert regen_boxes(dots, 1, 1, (20, 20)) == [(r - 1, r + 2, c - 1, c + 2) for r in range(1, 20, 4)
                                                 for c in range(1, 20, 4)]
    assert regen_boxes(dots, 2, 1, (20, 20)) == [(0, 20, 0, 20)]


def test_same_size_groups_keep_the_order():
    a, b, c = (0, 4, 0, 4), (0, 4, 10, 16), (10, 14, 0, 4)
    assert same_size_groups([a, b, c]) == [(a, c), (b,)]


def test_crop_and_paste_of_several_boxes_stack_them_box_major():
    full = torch.randn(2, 3, 10, 12)
    boxes = ((0, 3, 0, 4), (6, 9, 7, 11))
    parts = crop_boxes(full, boxes)
    assert parts.shape == (4, 3, 3, 4)
    assert torch.equal(parts[:2], crop(full, boxes[0])) and torch.equal(parts[2:], crop(full, boxes[1]))
    assert crop_boxes(full, boxes[:1]).data_ptr() == full.data_ptr()  # one box: the view crop gives
    out = paste_boxes(full, parts * 2, boxes)
    for i, box in enumerate(boxes):
        assert torch.equal(crop(out, box), parts[2 * i:2 * i + 2] * 2)
    outside = torch.ones(10, 12, dtype=torch.bool)
    for top, bottom, left, right in boxes:
        outside[top:bottom, left:right] = False
    assert torch.equal(out[..., outside], full[..., outside])


def test_crop_and_paste_round_trip_on_any_rank():
    full = torch.randn(2, 3, 4, 10, 12)
    box = (2, 7, 3, 11)
    part = crop(full, box) * 2
    out = paste_boxes(full, part, (box,))
    assert torch.equal(crop(out, box), part)
    outside = torch.ones(10, 12, dtype=torch.bool)
    outside[2:7, 3:11] = False
    assert torch.equal(out[..., outside], full[..., outside])
    assert not torch.equal(out, full) and torch.equal(full, full.clone())  # full itself untouched


def test_scale_box_rounds_outward():
    assert scale_box((1, 3, 2, 5), (4, 8), (32, 64)) == (8, 24, 16, 40)
    assert scale_box((1, 3, 1, 2), (3, 3), (4, 4)) == (1, 4, 1, 3)


@pytest.mark.parametrize("seed", range(6))
def test_boxes_are_those_of_the_grown_mask_flood_filled(seed):
    """Random masks, paddings and alignments: the same boxes as growing by a square window,
    flood-filling and merging pixel by pixel."""
    rng = random.Random(seed)
    for trial in range(40):
        size = (rng.randint(1, 36), rng.randint(1, 36))
        density = rng.choice((0.01, 0.03, 0.1, 0.3))
        mask = (torch.rand(size, generator=torch.Generator().manual_seed(100 * seed + trial)) < density).float()
        pad, align = rng.choice((0, 0, 1, 2, 3, 5, 8, 40)), rng.choice((1, 1, 2, 4))
        assert regen_boxes(mask, pad, align, size) == reference_boxes(mask, pad, align, size), (seed, trial)


def test_sliding_max_is_the_window_maximum_in_any_dtype():
    x = torch.randn(3, 17, 23, generator=torch.Generator().manual_seed(0))
    for radius in (0, 1, 2, 5, 11, 16, 22, 40):
        expected = torch.stack([x[..., max(0, i - radius):i + radius + 1].amax(-1) for i in range(23)], -1)
        assert torch.equal(sliding_max(x, radius, -1), expected), radius
        assert torch.equal(sliding_max(x > 1, radius, -1), expected > 1)
        assert torch.equal(sliding_max((x * 10).to(torch.int16), radius, -1), (expected * 10).to(torch.int16))
        assert torch.equal(sliding_max(x, radius, 1), torch.stack(
            [x[:, max(0, i - radius):i + radius + 1].amax(1) for i in range(17)], 1))


def test_regions_count_their_pixels_and_too_many_is_an_error():
    used = torch.zeros(12, 12, dtype=torch.bool)
    used[1:3, 1:4] = used[3, 4] = used[8, 8] = True     # an L-ish blob touching a pixel diagonally, and a dot
    assert regions(used, 0) == [((1, 4, 1, 5), 7), ((8, 9, 8, 9), 1)]
    grown = torch.nn.functional.max_pool2d(used[None].float(), 7, stride=1, padding=3)[0] > 0
    assert regions(used, 3) == [((0, 12, 0, 12), int(grown.sum()))]  # grown by 3 they touch: the grown pixels
    dots = torch.zeros(2 * 70, 2 * 70, dtype=torch.bool)
    dots[::2, ::2] = True                               # 4900 one-pixel regions
    with pytest.raises(TooManyRegions, match=f"4900 separate regions after padding \\(at most {MAX_REGIONS}\\)"):
        regen_boxes(dots.float(), 0, 1, dots.shape)
    assert regen_boxes(dots.float(), 1, 1, dots.shape) == [(0, 140, 0, 140)]


def test_the_interrupt_check_runs_between_passes_and_stops_the_search():
    mask = torch.zeros(1, 64, 64)
    mask[0, 10, 10] = mask[0, 50, 50] = 1.0
    calls = []
    assert regen_boxes(mask, 20, 1, (64, 64), check_interrupt=lambda: calls.append(1)) == [(0, 64, 0, 64)]
    assert len(calls) >= 10   # log2 of the window per axis, and each round of the region search

    def cancel():
        raise KeyboardInterrupt
    with pytest.raises(KeyboardInterrupt):
        regen_boxes(mask, 20, 1, (64, 64), check_interrupt=cancel)
