"""lanpaint_core.crop: the box around the regenerated region (pure torch)."""
import pytest
import torch

from lanpaint_core.crop import (covers, crop, crop_boxes, paste, paste_boxes, regen_box, regen_boxes, same_size_groups,
                                scale_box)


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
    for boxes in (regen_box, regen_boxes):
        with pytest.raises(ValueError, match="pad"):
            boxes(torch.ones(1, 8, 8), -1, 1, (8, 8))
        with pytest.raises(ValueError, match="latent"):
            boxes(torch.ones(1, 8, 8), 0, 1, (8, 9))


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
    out = paste(full, part, box)
    assert torch.equal(crop(out, box), part)
    outside = torch.ones(10, 12, dtype=torch.bool)
    outside[2:7, 3:11] = False
    assert torch.equal(out[..., outside], full[..., outside])
    assert not torch.equal(out, full) and torch.equal(full, full.clone())  # full itself untouched


def test_scale_box_rounds_outward():
    assert scale_box((1, 3, 2, 5), (4, 8), (32, 64)) == (8, 24, 16, 40)
    assert scale_box((1, 3, 1, 2), (3, 3), (4, 4)) == (1, 4, 1, 3)
