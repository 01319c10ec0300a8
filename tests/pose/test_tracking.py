"""Tracking on clips made from real photos: follows the person, honours rotation, picks the patient."""

from __future__ import annotations

import numpy as np
import pytest

from pose.keypoints import KP
from pose.tracking.clip import track_clip
from tests.support.clips import pan_zoom_frames, read_clip_frames, shared_file, write_clip

VISIBLE = [
    KP[n]
    for n in (
        "nose",
        "left_shoulder",
        "right_shoulder",
        "left_hip",
        "right_hip",
        "left_knee",
        "right_knee",
        "left_ankle",
        "right_ankle",
    )
]


def test_tracking_follows_a_person_under_pan_and_zoom(tmp_path, pose_photo, lightning):
    from test_stills import _keypoints

    still = _keypoints(lightning, pose_photo)  # (x, y, score) in photo pixels
    frames, transforms = pan_zoom_frames(pose_photo, 60, (640, 480))
    clip = write_clip(tmp_path / "pan.mp4", frames)
    result = track_clip(clip, precision=lightning.precision)
    tracked = np.asarray(result.keypoints)
    errors = []
    for i, (x0, y0, sx, sy) in enumerate(transforms):
        expected = np.stack([(still[:, 0] - x0) * sx, (still[:, 1] - y0) * sy], -1)[VISIBLE]
        # Joints the camera has panned out of frame cannot be expected to be found.
        inside = ((expected > 10) & (expected < np.array([630, 470]))).all(axis=1)
        errors.extend(np.linalg.norm(tracked[i, VISIBLE, :2] - expected, axis=-1)[inside])
    errors = np.asarray(errors)
    # The body spans about 400 of the frame's 640 px; a joint is about 15 px across.
    assert np.median(errors) < 8
    assert np.percentile(errors, 95) < 25
    assert (np.asarray(result.pose_scores) > 0.25).all()


@pytest.mark.parametrize(
    "codec,suffix",
    [("libx264", ".mp4"), ("libx265", ".mov")],  # the second: an iPhone's
)
def test_display_matrix_rotation_gives_the_same_upright_keypoints(tmp_path, codec, suffix):
    upright = read_clip_frames(shared_file("pose_1.mp4"), limit=45)
    plain = write_clip(tmp_path / "plain.mp4", upright)
    # Stored sideways (turned counter-clockwise), with a display matrix that turns it back.
    sideways = write_clip(
        tmp_path / f"sideways{suffix}",
        [np.rot90(f, k=1) for f in upright],
        rotation=-90,
        codec=codec,
    )
    a, b = track_clip(plain), track_clip(sideways)
    assert b.video.rotation == 90
    assert (b.video.width, b.video.height) == (
        a.video.width,
        a.video.height,
    )
    ka, kb = np.asarray(a.keypoints), np.asarray(b.keypoints)
    assert np.median(np.linalg.norm(ka[..., :2] - kb[..., :2], axis=-1)) < 3.0


def test_patient_is_the_person_nearest_the_centre_and_largest(tmp_path, pose_photo):
    # Two people: the photo's person large in the centre, a smaller copy in a corner.
    h, w = 720, 1280
    canvas = np.full((h, w, 3), 200, np.uint8)
    big = pose_photo[150:667, 200:800]  # 517 x 600
    canvas[150:667, 340:940] = big
    small = big[::2, ::2]
    canvas[20 : 20 + small.shape[0], 960 : 960 + small.shape[1]] = small
    clip = write_clip(tmp_path / "two.mp4", [canvas] * 20)
    result = track_clip(clip)
    hips = np.asarray(result.keypoints)[:, [KP["left_hip"], KP["right_hip"]], :2].mean(axis=1)
    # The patient's hips are at about x = 340 + (490 - 200) = 630, y = 150 + (460 - 150) = 460.
    assert np.all(np.abs(hips[:, 0] - 630) < 60)
    assert np.all(np.abs(hips[:, 1] - 460) < 60)
    assert result.people_seen >= 2


@pytest.mark.parametrize(
    "codec,suffix,pix_fmt",
    [
        ("libvpx-vp9", ".webm", "yuv420p"),  # browsers' MediaRecorder
        ("libvpx", ".webm", "yuv420p"),
        ("libx264", ".mov", "yuv420p"),
        ("libx264", ".mp4", "yuv420p"),  # Android, and iPhones set to "Most Compatible"
        ("libx264", ".mp4", "yuvj420p"),  # full-range luma, as some Android cameras write
        ("libx264", ".mp4", "yuv444p"),
        ("libx265", ".mov", "yuv420p"),  # iPhones' default ("High Efficiency")
        ("libx265", ".mov", "yuv420p10le"),  # iPhones' HDR video: 10-bit HEVC
        ("libx265", ".mp4", "yuv420p"),
    ],
)
def test_phone_and_browser_containers(tmp_path, codec, suffix, pix_fmt):
    frames = read_clip_frames(shared_file("pose_1.mp4"), limit=20)
    clip = write_clip(tmp_path / f"clip{suffix}", frames, codec=codec, pix_fmt=pix_fmt)
    result = track_clip(clip)
    assert result.video.frames == 20
    assert result.person_found
    # The same picture whatever the codec and pixel format: frame 10 against the same frames
    # as a plain H.264 clip (measured: nose within 1 px, brightness within 1.1 levels).
    plain = track_clip(write_clip(tmp_path / "plain.mp4", frames))
    nose, plain_nose = result.keypoints[10][0], plain.keypoints[10][0]
    assert np.hypot(nose[0] - plain_nose[0], nose[1] - plain_nose[1]) < 3, (nose, plain_nose)
    assert abs(result.brightness[10] - plain.brightness[10]) < 2
