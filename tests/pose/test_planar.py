"""Crops taken straight from the decoder's YUV planes match crops of the RGB frame."""

from __future__ import annotations

import av
import numpy as np
import pytest

from pose.video.planar import PlanarFrame, matrix_name
from pose.video.reader import VideoReader
from pose.video.sampling import CropRegion, SampleGrid, crop_and_resize

REGIONS = [
    CropRegion(0.0, 0.0, 1.0, 1.0),
    CropRegion(0.2, 0.3, 0.7, 0.8),  # inside, magnified
    CropRegion(-0.3, -0.1, 0.9, 1.2),  # past the edges: padded with 0 as TF pads
    CropRegion(0.1, 0.05, 0.35, 0.3),  # small: several output pixels per stored pixel
]


def _write(path, rgb: np.ndarray, *, rotation: int = 0, bt709: bool = False):
    """One still picture as a few H.264 frames, stored turned so that a player shows ``rgb``."""
    stored = np.ascontiguousarray(np.rot90(rgb, k=rotation // 90))  # turned anticlockwise
    h, w = stored.shape[:2]
    with av.open(str(path), "w") as container:
        stream = container.add_stream("libx264", rate=30)
        stream.width, stream.height, stream.pix_fmt = w, h, "yuv420p"
        stream.options = {"crf": "12", "preset": "fast"}
        if bt709:
            stream.codec_context.colorspace = 1
        if rotation:
            stream.set_display_rotation(-rotation)
        for _ in range(3):
            frame = av.VideoFrame.from_ndarray(stored, format="rgb24")
            frame = frame.reformat(format="yuv420p", dst_colorspace="itu709" if bt709 else None)
            if bt709:
                frame.colorspace = 1
            container.mux(stream.encode(frame))
        container.mux(stream.encode())
    return path


def _first(path, planar: bool):
    with VideoReader(path) as reader:
        return next(iter(reader.frames(planar=planar)))


@pytest.mark.parametrize("rotation", [0, 90, 180, 270])
@pytest.mark.parametrize("bt709", [False, True], ids=["untagged", "bt709"])
def test_planar_crops_match_crops_of_the_rgb_frame(tmp_path, astronaut, rotation, bt709):
    picture = astronaut[:, 16:496]  # 512 x 480: not square, so a wrong turn shows
    clip = _write(tmp_path / "clip.mp4", picture, rotation=rotation, bt709=bt709)
    planar, rgb = _first(clip, planar=True), _first(clip, planar=False)
    assert isinstance(planar.picture, PlanarFrame)
    assert planar.picture.shape == rgb.picture.shape == picture.shape
    # Brightness from a grid of the planes against the RGB frame's grid.
    assert abs(planar.brightness - rgb.brightness) < 1.5
    for region in REGIONS:
        ours = crop_and_resize(planar.picture, region, 192)
        theirs = crop_and_resize(rgb.picture, region, 192)
        diff = np.abs(ours.astype(int) - theirs)
        # swscale repeats each chroma sample over 2x2 pixels where the planes interpolate
        # it; luma is sampled alike. Measured: median 0-1 level, 99th percentile 3-5 levels
        # (colour edges). A mirrored or wrongly turned crop differs by tens of levels.
        assert np.median(diff) <= 1, (region, np.median(diff))
        assert np.percentile(diff, 99) <= 8, (region, np.percentile(diff, 99))
        # Samples outside the frame are padding (0) in both.
        grid = SampleGrid(region, *picture.shape[:2], 192)
        assert not ours[grid.outside_rows].any() and not ours[:, grid.outside_cols].any()


def test_a_planar_frame_still_gives_the_whole_rgb_frame(tmp_path, astronaut):
    clip = _write(tmp_path / "clip.mp4", astronaut[:, 16:496], rotation=90)
    planar, rgb = _first(clip, planar=True), _first(clip, planar=False)
    assert np.array_equal(planar.rgb, rgb.rgb)


@pytest.mark.parametrize(
    "pix_fmt,colorspace,expected",
    [
        ("yuv420p", 2, "bt601"),  # untagged: swscale's default matrix
        ("yuv420p", 6, "bt601"),
        ("yuv420p", 1, "bt709"),
        ("yuv420p", 9, None),  # BT.2020 (HDR): converted whole, by swscale
        ("yuvj420p", 2, None),  # full range
        ("yuv420p10le", 1, None),
        ("yuv444p", 1, None),
    ],
)
def test_only_frames_the_planar_path_reproduces_take_it(pix_fmt, colorspace, expected):
    frame = av.VideoFrame(64, 64, pix_fmt)
    frame.colorspace = colorspace
    assert matrix_name(frame) == expected
