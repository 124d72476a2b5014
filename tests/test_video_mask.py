"""The video mask's keyframe math (nodes/mask_keyframes.py) and the LanPaint FLD Video Mask node, in-process.

Signed distances against brute force; run lengths round trip; keyframes come back exactly, the
frames between them morph (a moved shape travels, a grown one grows, one that meets an empty keyframe
shrinks in place) and the ends hold. The node joins its list of frames or names mixed sizes, drops
keyframes past the video's end with a warning and keeps the rest, resizes keyframes painted at
another size with a warning, names bad keyframe data, and writes the editor's previews.
(The editor itself, in a real browser: tests/test_video_mask_editor.py.)
"""
import importlib
import json
import logging

import pytest
import torch

from devtools.lanpaint_pack import load_pack


@pytest.fixture(scope="module")
def mk(comfy):
    return importlib.import_module(load_pack().__name__ + ".nodes.mask_keyframes")


@pytest.fixture(scope="module")
def vmask(comfy):
    return importlib.import_module(load_pack().__name__ + ".nodes.video_mask")


def box(h, w, top, left, bottom, right):
    m = torch.zeros(h, w, dtype=torch.bool)
    m[top:bottom, left:right] = True
    return m


def disc(h, w, cy, cx, r):
    y, x = torch.meshgrid(torch.arange(h) + 0.5, torch.arange(w) + 0.5, indexing="ij")
    return (y - cy) ** 2 + (x - cx) ** 2 <= r * r


def keyframes_json(masks: dict, height, width, rle_encode):
    return json.dumps({"version": 1, "width": width, "height": height,
                       "keyframes": [{"frame": f, "mask": rle_encode(m)} for f, m in masks.items()]})


# ----------------------------------------------------------------------------- math
def test_signed_distance_is_exact(mk):
    m = torch.rand(23, 31, generator=torch.Generator().manual_seed(0)) > 0.8
    ys, xs = torch.meshgrid(torch.arange(23.0), torch.arange(31.0), indexing="ij")
    pts = torch.stack([ys, xs], -1).reshape(-1, 2)
    d_in = torch.cdist(pts, pts[m.reshape(-1)]).min(1).values.reshape(m.shape)
    d_out = torch.cdist(pts, pts[~m.reshape(-1)]).min(1).values.reshape(m.shape)
    torch.testing.assert_close(mk.signed_distance(m), torch.where(m, 0.5 - d_out, d_in - 0.5), rtol=0, atol=1e-5)
    assert (mk.signed_distance(torch.zeros(4, 5, dtype=torch.bool)) == 9).all()
    assert (mk.signed_distance(torch.ones(4, 5, dtype=torch.bool)) == -9).all()


def test_run_lengths_round_trip(mk):
    for m in (box(7, 9, 2, 3, 5, 8), ~box(7, 9, 2, 3, 5, 8), torch.zeros(3, 4, dtype=torch.bool)):
        runs = mk.rle_encode(m)
        assert sum(runs) == m.numel() and torch.equal(mk.rle_decode(runs, *m.shape), m)
    assert mk.rle_encode(torch.ones(2, 2, dtype=torch.bool)) == [0, 4]
    with pytest.raises(ValueError, match="cover 5 pixels, not 2 x 2"):
        mk.rle_decode([2, 3], 2, 2)
    with pytest.raises(ValueError, match=r"a run length is negative \(-1\)"):
        mk.rle_decode([5, -1], 2, 2)


def test_keyframes_are_exact_and_the_ends_hold(mk):
    a, b = box(32, 48, 4, 4, 12, 20), disc(32, 48, 20, 30, 6)
    out = mk.interpolate({2: a, 7: b}, 10)
    assert out.shape == (10, 32, 48) and out.dtype == torch.bool
    for f in (0, 1, 2):
        assert torch.equal(out[f], a), f
    for f in (7, 8, 9):
        assert torch.equal(out[f], b), f
    assert torch.equal(mk.interpolate({3: a}, 5), a.expand(5, -1, -1))


def test_a_moved_shape_travels(mk):
    """A box that moves 8 px per frame is, in between, the box moved (not two boxes fading)."""
    out = mk.interpolate({0: box(40, 96, 10, 8, 30, 28), 8: box(40, 96, 10, 72, 30, 92)}, 9)
    for f in range(9):
        assert torch.equal(out[f], box(40, 96, 10, 8 + 8 * f, 30, 28 + 8 * f)), f


def test_a_shape_grows_and_shrinks_in_place(mk):
    small, big = disc(64, 64, 32, 32, 6), disc(64, 64, 32, 32, 24)
    out = mk.interpolate({0: small, 6: big}, 7)
    areas = out.sum((1, 2)).tolist()
    assert areas == sorted(areas) and areas[0] < areas[3] < areas[6]
    assert (out[3] & ~big).sum() == 0 and (small & ~out[3]).sum() == 0      # nested, centred: a disc between
    vanishing = mk.interpolate({0: big, 6: torch.zeros(64, 64, dtype=torch.bool)}, 7)
    areas = vanishing.sum((1, 2)).tolist()
    assert areas == sorted(areas, reverse=True) and areas[-1] == 0 and (vanishing[2] & ~big).sum() == 0


def test_big_frames_morph_at_the_working_size(mk):
    """Past SDF_MAX_SIDE the frames in between come from smaller fields: still the moved box, to a
    working pixel."""
    h, w = 300, 600
    out = mk.interpolate({0: box(h, w, 100, 40, 200, 140), 4: box(h, w, 100, 440, 200, 540)}, 5)
    want = box(h, w, 100, 240, 200, 340)
    assert (out[2] ^ want).sum() <= 2 * (100 + 100) * (w / mk.SDF_MAX_SIDE), (out[2] ^ want).sum()
    with pytest.raises(ValueError, match="outside frames"):
        mk.interpolate({5: want}, 5)


# ----------------------------------------------------------------------------- node
def test_frames_of_mixed_sizes_are_an_error_naming_images(vmask):
    frames = [torch.rand(3, 32, 48, 3), torch.rand(2, 40, 48, 3)]
    with pytest.raises(ValueError, match=r"'images' have different sizes \(frames 0-2: 48x32; frames 3-4: 48x40\)"):
        vmask.video_frames(frames)
    assert vmask.video_frames([torch.zeros(3, 8, 8, 3), torch.ones(2, 8, 8, 3)]).shape == (5, 8, 8, 3)
    rgba = torch.rand(2, 8, 8, 4)
    joined = vmask.video_frames([torch.zeros(3, 8, 8, 3), rgba])    # RGB and RGBA of one size: their colours
    assert joined.shape == (5, 8, 8, 3) and torch.equal(joined[3:], rgba[..., :3])
    with pytest.raises(ValueError, match="'images' holds no frames"):
        vmask.video_frames([torch.zeros(0, 8, 8, 3)])


def test_a_keyframe_painted_larger_keeps_every_painted_pixel(vmask, mk):
    painted = box(64, 64, 10, 20, 17, 27)          # 7 x 7 pixels of a 64 x 64 frame: one pixel of 8 x 8 or so
    text = keyframes_json({0: painted}, 64, 64, mk.rle_encode)
    (mask,) = vmask.read_keyframes(text, 2, 8, 8).values()
    assert torch.equal(mask, box(8, 8, 1, 2, 3, 4))   # every 8 x 8 cell holding a painted pixel
    text = keyframes_json({0: box(63, 65, 62, 64, 63, 65)}, 63, 65, mk.rle_encode)   # the corner pixel alone
    assert torch.equal(vmask.read_keyframes(text, 1, 8, 8)[0], box(8, 8, 7, 7, 8, 8))


def test_cancel_stops_the_video_mask(vmask, mk, comfy):
    mm = comfy.model_management
    text = keyframes_json({0: box(16, 24, 2, 2, 10, 8), 6: box(16, 24, 2, 14, 10, 20)}, 16, 24, mk.rle_encode)
    mm.interrupt_current_processing(True)
    try:
        with pytest.raises(mm.InterruptProcessingException):
            vmask.LanPaintVideoMask().build([torch.rand(7, 16, 24, 3)], [text])
    finally:
        mm.interrupt_current_processing(False)


def test_keyframes_past_the_end_are_dropped_with_a_warning(vmask, mk, caplog):
    a, b, c = box(16, 24, 2, 2, 8, 8), box(16, 24, 4, 10, 12, 20), box(16, 24, 0, 0, 16, 4)
    text = keyframes_json({0: a, 4: b, 9: c, 12: c}, 16, 24, mk.rle_encode)
    with caplog.at_level(logging.WARNING, logger="LanPaint"):
        keyframes = vmask.read_keyframes(text, 6, 16, 24)
    assert sorted(keyframes) == [0, 4] and torch.equal(keyframes[0], a) and torch.equal(keyframes[4], b)
    (line,) = [r.getMessage() for r in caplog.records if "dropped" in r.getMessage()]
    assert "6 frames" in line and "frames 9, 12" in line, line


def test_keyframes_painted_at_another_size_are_resized_with_a_warning(vmask, mk, caplog):
    text = keyframes_json({1: box(16, 24, 4, 6, 12, 18)}, 16, 24, mk.rle_encode)
    with caplog.at_level(logging.WARNING, logger="LanPaint"):
        keyframes = vmask.read_keyframes(text, 3, 32, 48)
    assert torch.equal(keyframes[1], box(32, 48, 8, 12, 24, 36))
    assert any("painted on 24x16 frames, the video is 48x32" in r.getMessage() for r in caplog.records)


@pytest.mark.parametrize("text, message", [
    ("{not json", "not valid JSON"),
    ('{"version": 2, "keyframes": []}', "not version 1"),
    ('{"version": 1, "width": 4, "height": 2, "keyframes": [{"frame": -1, "mask": [8]}]}', "frame number"),
    ('{"version": 1, "width": 4, "height": 2, "keyframes": [{"frame": 0, "mask": [8]}, {"frame": 0, "mask": [8]}]}',
     "repeated"),
    ('{"version": 1, "width": 4, "height": 2, "keyframes": [{"frame": 0, "mask": [3, 4]}]}', "does not fit 4 x 2"),
    ('{"version": 1, "width": 4, "height": 2, "keyframes": [{"frame": 0, "mask": "8"}]}', "run lengths"),
    ('{"version": 1, "width": 4, "height": 2, "keyframes": [{"frame": 0, "mask": [14, -6]}]}',
     r"does not fit 4 x 2: a run length is negative \(-6\)"),
    ('{"version": 1, "width": 4, "height": 2, "keyframes": [{"frame": 0, "mask": [%d, 8]}]}' % 2 ** 64,
     "cover 18446744073709551624 pixels, not 2 x 4"),
    ('{"version": 1, "width": 4, "height": 2, "keyframes": [{"frame": 9, "mask": [%d, 8]}]}' % 2 ** 63,
     "frame 9.*cover"),    # a keyframe past the video's end is checked too (and dropped only if sound)
    pytest.param("[" * 100000 + "]" * 100000, "nests more than 4 levels deep", id="100000 levels deep"),
    ('{"version": 1, "width": 5000, "height": 5000, "keyframes": [{"frame": 0, "mask": [25000000]}]}',
     r"painted on 5000x5000 frames \(25000000 pixels\) but the video is 4x2; at most 16777216 pixels"),
])
def test_bad_keyframe_data_is_an_error_naming_keyframes(vmask, text, message):
    with pytest.raises(ValueError, match="'keyframes' input.*" + message):
        vmask.read_keyframes(text, 3, 2, 4)


def test_node_outputs_one_mask_per_frame_and_the_editors_previews(vmask, mk, tmp_path):
    import folder_paths
    frames = torch.rand(5, 16, 24, 3, generator=torch.Generator().manual_seed(1))
    before = frames.clone()
    a, b = box(16, 24, 2, 2, 10, 8), box(16, 24, 2, 14, 10, 20)
    text = keyframes_json({0: a, 4: b}, 16, 24, mk.rle_encode)
    old_temp = folder_paths.get_temp_directory()
    folder_paths.set_temp_directory(str(tmp_path))
    try:
        out = vmask.LanPaintVideoMask().build([frames], [text])
        empty = vmask.LanPaintVideoMask().build([frames], [vmask.NO_KEYFRAMES])
    finally:
        folder_paths.set_temp_directory(old_temp)
    (masks,) = out["result"]
    assert masks.shape == (5, 16, 24) and masks.dtype == torch.float32
    assert torch.equal(masks.bool(), mk.interpolate({0: a, 4: b}, 5))
    assert torch.equal(frames, before), "the input frames were modified"
    ui = out["ui"]
    assert ui["lanpaint_video"] == [{"frames": 5, "width": 24, "height": 16, "keyframes": text}]
    for key in ("lanpaint_frames", "lanpaint_masks"):
        assert len(ui[key]) == 5 and all((tmp_path / f["subfolder"] / f["filename"]).is_file() for f in ui[key])
    assert torch.equal(empty["result"][0], torch.zeros(5, 16, 24))
