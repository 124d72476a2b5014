"""LanPaint FLD Crop / Stitch: regions of a big picture cut out at the model's native size and pasted
back; outside the mask the stitched picture is the input, bit for bit."""
import importlib

import pytest
import torch

from devtools.lanpaint_pack import load_pack
from tests.node_runner import node

SIZE = (200, 320)  # picture height, width


def picture(batch=1, seed=0):
    return torch.rand(batch, *SIZE, 3, generator=torch.Generator().manual_seed(seed))


def coordinates():
    """A picture whose red is the row and green the column (pixel centres over the side): a crop
    shows where it was cut, to a fraction of a pixel."""
    rows = (torch.arange(SIZE[0]) + 0.5) / SIZE[0]
    cols = (torch.arange(SIZE[1]) + 0.5) / SIZE[1]
    image = torch.zeros(1, *SIZE, 3)
    image[..., 0], image[..., 1] = rows[:, None], cols[None, :]
    return image


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
    image = coordinates()
    images, masks, record = crop(image, regions_mask((20, 60, 30, 50), (150, 180, 200, 300)))
    assert [b.boxes for b in record.groups] == [((4, 76, 14, 66),), ((134, 196, 184, 316),)]
    assert [tuple(i.shape) for i in images] == [(1, 128, 96, 3), (1, 64, 128, 3)]  # long side 128, multiples of 8
    assert [tuple(m.shape) for m in masks] == [(1, 128, 96), (1, 64, 128)]
    assert all(0 <= float(i.min()) and float(i.max()) <= 1 for i in images)
    # each crop is its box's pixels, resized: the box's rows and columns, to a tenth of a pixel
    for resized, (top, bottom, left, right) in zip(images, (b.boxes[0] for b in record.groups)):
        box = image[:, top:bottom, left:right]
        torch.testing.assert_close(resized.mean((1, 2)), box.mean((1, 2)), atol=0.1 / SIZE[1], rtol=0)
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


def test_the_blend_weight_is_the_whole_pictures_feather_though_computed_box_by_box():
    pixel_masks = importlib.import_module(load_pack().__name__ + ".nodes.pixel_masks")
    soft = regions_mask((20, 60, 30, 50), (62, 90, 52, 70), (150, 199, 200, 320))
    soft *= torch.rand(1, *SIZE, generator=torch.Generator().manual_seed(3))   # soft values, regions 2 px apart
    for padding, feather in ((0, 12), (1, 30), (16, 8), (40, 0)):
        _, _, record = crop(picture(), soft, padding=padding, feather=feather)
        torch.testing.assert_close(record.weight, pixel_masks.inner_feather(soft, feather), atol=1e-6, rtol=0)
        assert torch.equal(record.weight > 0, soft > 0)


def test_a_large_grow_and_feather_give_what_square_windows_give():
    image, mask = picture(), regions_mask((90, 91, 150, 151), (20, 30, 30, 36))
    _, masks, record = crop(image, mask, padding=0, mask_grow=70, feather=40)
    grown = torch.nn.functional.max_pool2d(mask[:, None], 141, stride=1, padding=70)[:, 0]  # the square window
    assert torch.equal(record.weight > 0, grown > 0)
    inside = torch.nn.functional.max_pool2d(1 - grown[:, None], 81, stride=1, padding=40)[:, 0] == 0
    assert torch.equal(record.weight == 1, inside)  # 1 exactly from the feather's width inside the edge on


@pytest.mark.parametrize("where", ["grow", "feather", "regions", "stitch"])
def test_cancel_stops_the_crop_and_the_stitch(comfy, where):
    """The host's Cancel, pressed before, stops each long pixel operation (it is checked inside them)."""
    mm = comfy.model_management
    image, mask = picture(), regions_mask((20, 60, 30, 50))
    images, _, record = crop(image, mask)
    settings = {"grow": dict(mask_grow=40, feather=0), "feather": dict(feather=40), "regions": dict(feather=0)}
    mm.interrupt_current_processing(True)
    try:
        with pytest.raises(mm.InterruptProcessingException):
            if where == "stitch":
                stitch(record, images)
            else:
                crop(image, mask, **settings[where])
    finally:
        mm.interrupt_current_processing(False)


def test_an_rgba_picture_takes_rgb_crops_back_and_keeps_its_alpha():
    image = torch.cat([picture(), torch.rand(1, *SIZE, 1, generator=torch.Generator().manual_seed(5))], -1)
    mask = regions_mask((20, 60, 30, 50))
    images, _, record = crop(image, mask, feather=0)
    assert images[0].shape[-1] == 4
    decoded = torch.zeros(*images[0].shape[:3], 3)   # VAE Decode gives RGB
    out = stitch(record, [decoded])
    assert out.shape == image.shape and torch.equal(out[..., 3], image[..., 3])
    inside = mask[0] > 0
    assert torch.equal(out[:, ~inside], image[:, ~inside]) and float(out[:, inside, :3].abs().max()) < 1e-6
    rgb = image[..., :3].contiguous()
    images, _, record = crop(rgb, mask, feather=0)
    out = stitch(record, [torch.zeros(*images[0].shape[:3], 4)])   # RGBA crops into an RGB picture
    assert out.shape == rgb.shape and torch.equal(out[:, ~inside], rgb[:, ~inside])
    with pytest.raises(ValueError, match="sampled images have 1 channels, the picture 3"):
        stitch(record, [torch.zeros(*images[0].shape[:3], 1)])


def test_a_half_precision_picture_is_cropped_and_stitched_back_in_its_dtype():
    image, mask = picture().half(), regions_mask((20, 60, 30, 50))
    images, masks, record = crop(image, mask)
    assert images[0].dtype == torch.float32 and masks[0].dtype == torch.float32
    torch.testing.assert_close(images[0], crop(image.float(), mask)[0][0], atol=1e-3, rtol=0)
    out = stitch(record, images)
    outside = mask[0] == 0
    assert out.dtype == torch.float16 and torch.equal(out[:, outside], image[:, outside])


def test_more_crop_pixels_than_one_run_makes_is_a_clear_error_naming_them():
    dots = torch.zeros(1, *SIZE)
    dots[0, 10:200:40, 10:320:40] = 1.0    # 5 x 8 one-pixel regions, apart at padding 0
    with pytest.raises(ValueError, match=r"40 crops \(40 x 1024x1024\) at target_size 1024 are 41.9 million "
                                         r"pixels, more than the 33.6 million"):
        crop(picture(), dots, padding=0, target_size=1024)
    images, _, _ = crop(picture(), dots, padding=0, target_size=512)   # 40 x 512^2 fit
    assert images[0].shape == (40, 512, 512, 3)


def test_more_regions_than_one_run_crops_is_a_clear_error():
    from lanpaint_core.crop import MAX_REGIONS
    noise = torch.zeros(1, 200, 200)
    noise[0, ::2, ::3] = 1.0     # 100 x 67 regions at padding 0, one at padding 1
    assert noise.sum() > MAX_REGIONS
    with pytest.raises(ValueError, match=r"6700 separate regions at padding 0, more than the 4096 crops"):
        node("LanPaintCrop").crop(torch.rand(1, 200, 200, 3), noise, 0, 64)
    assert len(node("LanPaintCrop").crop(torch.rand(1, 200, 200, 3), noise, 1, 64)[0]) == 1
