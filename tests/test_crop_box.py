"""lanpaint_core.crop: the box around the regenerated region (pure torch)."""
import pytest
import torch

from lanpaint_core.crop import covers, crop, paste, regen_box, scale_box


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
        regen_box(torch.ones(1, 8, 8), -1, 1, (8, 8))
    with pytest.raises(ValueError, match="latent"):
        regen_box(torch.ones(1, 8, 8), 0, 1, (8, 9))


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
