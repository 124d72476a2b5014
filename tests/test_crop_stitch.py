"""LanPaint FLD Crop / Stitch: regions of a big picture cut out at the model's native size and pasted
back; outside the mask the stitched picture is the input, bit for bit."""
import pytest
import torch

from tests.node_runner import node

SIZE = (200, 320)  # picture height, width


def picture(batch=1, seed=0):
    return torch.rand(batch, *SIZE, 3, generator=torch.Generator().manual_seed(seed))


def regions_mask(*rects, batch=1):
    m = torch.zeros(batch, *SIZE)
    for top, bottom, left, right in rects:
        m[:, top:bottom, left:right] = 1.0
    return m


def crop(image, mask, padding=16, target_size=128, **optional):
    return node("LanPaintCrop").crop(image, mask, padding, target_size, **optional)


def stitch(record, images):
    return node("LanPaintStitch").stitch([record], images)[0]


def test_two_regions_of_different_shapes_are_two_crops_at_the_target_size():
    image = picture()
    images, masks, record = crop(image, regions_mask((20, 60, 30, 50), (150, 180, 200, 300)))
    assert [b.boxes for b in record.groups] == [((4, 76, 14, 66),), ((134, 196, 184, 316),)]
    assert [tuple(i.shape) for i in images] == [(1, 128, 96, 3), (1, 64, 128, 3)]  # long side 128, multiples of 8
    assert [tuple(m.shape) for m in masks] == [(1, 128, 96), (1, 64, 128)]
    assert all(0 <= float(i.min()) and float(i.max()) <= 1 for i in images)
    # the crop is the box's pixels, resized: the box's mean colour survives
    torch.testing.assert_close(images[0].mean((1, 2)), image[:, 4:76, 14:66].mean((1, 2)), atol=0.01, rtol=0)
    assert float(masks[0][0, 64, 48]) == 1.0 and float(masks[0][0, 2, 2]) == 0.0


def test_regions_whose_crops_share_a_size_are_one_batch_and_each_is_pasted_back():
    image = picture(batch=2)
    mask = regions_mask((20, 60, 30, 50), (120, 160, 250, 270))
    images, masks, record = crop(image, mask, feather=4)
    (group,) = record.groups
    assert group.boxes == ((4, 76, 14, 66), (104, 176, 234, 286)) and images[0].shape == (4, 128, 96, 3)
    assert masks[0].shape == (4, 128, 96)
    red = torch.zeros_like(images[0])
    red[..., 0] = 1.0  # a sampler that paints every crop red
    out = stitch(record, [red])
    assert out.shape == image.shape
    outside = mask[0] == 0
    assert torch.equal(out[:, outside], image[:, outside])  # bit-equal outside the mask
    deep = torch.zeros(SIZE, dtype=torch.bool)  # farther inside than the feather
    deep[25:55, 35:45] = deep[125:155, 255:265] = True
    torch.testing.assert_close(out[:, deep], red[0, 0, 0].expand(2, int(deep.sum()), 3), atol=1e-5, rtol=0)
    band = (mask[0] > 0) & ~deep
    assert not torch.equal(out[:, band], image[:, band])


def test_boxes_that_overlap_are_one_crop():
    images, _, record = crop(picture(), regions_mask((20, 60, 30, 50), (20, 60, 70, 90)))
    assert [g.boxes for g in record.groups] == [((4, 76, 14, 106),)] and images[0].shape == (1, 104, 128, 3)


def test_a_target_smaller_than_the_crop_downsizes_and_the_multiple_follows_the_model():
    image = picture()
    images, _, _ = crop(image, regions_mask((0, 200, 0, 300)), padding=0, target_size=100)
    assert images[0].shape == (1, 64, 96, 3)  # 200x300 -> 66.7x100 -> multiples of 8
    images, _, _ = crop(image, regions_mask((0, 200, 0, 300)), padding=0, target_size=100, size_multiple=16)
    assert images[0].shape == (1, 64, 96, 3)
    images, _, _ = crop(image, regions_mask((10, 20, 10, 40)), padding=0, target_size=1024, size_multiple=16)
    assert images[0].shape == (1, 336, 1024, 3)  # 10x30 -> 341.3 -> 336


def test_mask_grow_widens_what_is_repainted_and_the_rest_stays_exact():
    image = picture()
    mask = regions_mask((50, 60, 100, 110))
    _, masks, record = crop(image, mask, mask_grow=6, feather=0)
    assert record.groups[0].boxes == ((28, 82, 78, 132),)  # grown by 6, then padded by 16
    out = stitch(record, [torch.zeros(1, *masks[0].shape[1:], 3)])
    grown = regions_mask((44, 66, 94, 116))[0] > 0
    assert torch.equal(out[:, ~grown], image[:, ~grown])
    torch.testing.assert_close(out[:, grown], torch.zeros(1, int(grown.sum()), 3), atol=1e-6, rtol=0)


def test_an_empty_mask_gives_the_input_back_untouched():
    image = picture()
    empty = torch.zeros(1, *SIZE)
    images, masks, record = crop(image, empty)
    assert images[0] is image and torch.equal(masks[0], empty) and record.groups == ()
    assert stitch(record, [torch.rand(1, 8, 8, 3)]) is image


def test_bad_inputs_are_clear_errors():
    image = picture()
    with pytest.raises(ValueError, match=r"mask is 100x320 pixels but the image is 200x320"):
        crop(image, torch.ones(1, 100, 320))
    with pytest.raises(ValueError, match="mask batch 3 does not match the image batch 2"):
        crop(picture(batch=2), torch.ones(3, *SIZE))
    nan = regions_mask((20, 60, 30, 50))
    nan[0, 0, 0] = float("nan")
    with pytest.raises(ValueError, match="LanPaint FLD Crop: the mask contains NaN"):
        crop(image, nan)
    images, _, record = crop(image, regions_mask((20, 60, 30, 50), (150, 180, 200, 300)))
    with pytest.raises(ValueError, match="1 sampled image batches for 2 crop sizes"):
        stitch(record, images[:1])
    with pytest.raises(ValueError, match=r"sampled images are 1 x 120x96, the crops were 1 x 128x96"):
        stitch(record, [images[0][:, :120], images[1]])


def test_crop_and_stitch_are_deterministic_and_leave_their_inputs_alone():
    image, mask = picture(), regions_mask((20, 60, 30, 50), (150, 180, 200, 300))
    before = image.clone(), mask.clone()
    first = crop(image, mask, mask_grow=3)
    second = crop(image, mask, mask_grow=3)
    assert all(torch.equal(a, b) for a, b in zip(first[0] + first[1], second[0] + second[1]))
    assert torch.equal(stitch(first[2], first[0]), stitch(second[2], second[0]))
    assert torch.equal(image, before[0]) and torch.equal(mask, before[1])
