"""Decoding patients' clips with PyAV: upright RGB frames with their presentation timestamps.

Handles what phones and browsers record: H.264/HEVC in MP4/MOV, VP8/VP9 in WebM (MediaRecorder
WebM often has no duration), a rotation stored in the container's display matrix (applied, so
keypoints are in the upright image the person sees), and variable frame rate (each frame keeps
its own timestamp). Colour conversion and down-scaling happen in one swscale step in the
decoder, which is what keeps decoding fast on a 2-core machine; the tracker asks for
``planar`` frames, which skip even that for ordinary 8-bit 4:2:0 video (:mod:`pose.video.planar`).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import av
import numpy as np
from PIL import Image

from pose.errors import VideoError
from pose.video.planar import PlanarFrame, matrix_name
from pose.video.rotation import rotate_upright

MAX_CLIP_SECONDS = float(os.environ.get("THERAPOSE_MAX_CLIP_SECONDS", "600"))
MAX_FRAME_SIDE = 4096
# Frames are kept at most this large (longer side). Cropping costs the same at any size, and
# converting colour at full size is cheaper than converting and scaling, so phone-sized clips
# (up to 1080p) are used as recorded, as the TF.js reference does; only larger ones are scaled
# down in the same swscale step.
DEFAULT_WORKING_SIDE = 1920
# Frames up to this size decode on one thread: the decoder shares the two cores with the model,
# and FFmpeg's frame threads cost more CPU than they save on small frames; from 1080p up the
# threads pay off. The A/B figures behind this are in docs/performance.md.
SINGLE_THREAD_PIXELS = 1280 * 720
# Clips recorded faster than this (phones' 60/120/240 fps slow motion) are analysed at about
# this rate by default: more frames add time, not information, for a person's movement. The
# cap only applies to clips whose nominal rate is clearly above it (a 30.2 fps phone clip with
# jittery timestamps keeps every frame).
DEFAULT_MAX_FPS = float(os.environ.get("THERAPOSE_MAX_FPS", "30"))
_CAP_MARGIN = 1.1
_IMAGE_FORMATS = {"image2", "image2pipe", "apng", "gif", "webp_pipe"}
_IMAGE_CODECS = {"mjpeg", "png", "bmp", "gif", "webp", "tiff", "jpeg2000", "apng"}


@dataclass(frozen=True)
class Frame:
    index: int
    time: float  # seconds from the first frame
    # Upright RGB, (h, w, 3) uint8, at working resolution; or, from ``frames(planar=True)``,
    # the decoder's YUV planes seen upright (:class:`pose.video.planar.PlanarFrame`), which
    # :func:`pose.video.sampling.crop_and_resize` crops directly.
    picture: np.ndarray | PlanarFrame
    brightness: float  # mean pixel value of the whole frame, 0-255 (for the "too dark" check)

    @property
    def rgb(self) -> np.ndarray:
        """The upright frame as an RGB array (converted now if it was kept planar)."""
        picture = self.picture
        return picture if isinstance(picture, np.ndarray) else picture.to_rgb()

    @property
    def image(self) -> Image.Image:
        """The frame as a Pillow image (a copy)."""
        return Image.fromarray(self.rgb)


def _display_rotation(frame: av.VideoFrame) -> int:
    """Clockwise rotation a player applies, as ffmpeg's autorotate does (-display matrix angle)."""
    return int(round(-float(frame.rotation or 0) / 90.0)) % 4 * 90


class VideoReader:
    """Open a clip, check it, then iterate its upright frames."""

    def __init__(self, path: str | Path, *, max_seconds: float | None = None) -> None:
        self.path = Path(path)
        self.max_seconds = MAX_CLIP_SECONDS if max_seconds is None else max_seconds
        if not self.path.is_file():
            raise VideoError(f"no such file: {self.path.name}")
        if self.path.stat().st_size == 0:
            raise VideoError("the file is empty (0 bytes)")
        try:
            self.container = av.open(str(self.path), mode="r")
        except av.error.FFmpegError as exc:
            raise VideoError(
                "the file is not a video we can read (not a video, or truncated / damaged): "
                f"{_ffmpeg_reason(exc)}"
            ) from None
        try:
            self._check_and_probe()
        except Exception:
            self.container.close()
            raise

    def _check_and_probe(self) -> None:
        container = self.container
        fmt = container.format.name
        if not container.streams.video:
            kind = "audio only" if container.streams.audio else "no video track"
            raise VideoError(f"the file has no video track ({kind})")
        stream = container.streams.video[0]
        codec = stream.codec_context.name
        if fmt in _IMAGE_FORMATS or fmt.endswith("_pipe") or codec in _IMAGE_CODECS:
            raise VideoError(f"the file is a still image ({codec}), not a video")
        if not stream.width or not stream.height:
            raise VideoError("the video track has no frame size: the file is damaged")
        if max(stream.width, stream.height) > MAX_FRAME_SIDE:
            raise VideoError(
                f"the video is {stream.width}x{stream.height}; the largest accepted side is "
                f"{MAX_FRAME_SIDE} pixels"
            )
        duration = None
        if stream.duration is not None and stream.time_base is not None:
            duration = float(stream.duration * stream.time_base)
        elif container.duration is not None:
            duration = container.duration / av.time_base
        if duration is not None and duration > self.max_seconds:
            raise VideoError(
                f"the clip lasts {duration:.0f} s; the longest accepted is {self.max_seconds:.0f} s"
            )
        self.stream = stream
        self.codec = codec
        self.format = fmt
        rate = stream.average_rate or stream.guessed_rate
        self.nominal_fps = float(rate) if rate else 0.0
        self.nominal_duration = duration
        self.nominal_frames = int(stream.frames or 0)

    def close(self) -> None:
        self.container.close()

    def __enter__(self) -> VideoReader:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def frame_step(self, max_fps: float | None) -> float | None:
        """Seconds between analysed frames when ``max_fps`` caps this clip, else None (every
        frame: no cap, or a nominal rate not clearly above it, or unknown)."""
        if not max_fps or self.nominal_fps <= max_fps * _CAP_MARGIN:
            return None
        return 1.0 / max_fps

    def expected_frames(self, max_fps: float | None = None) -> int:
        """About how many frames :meth:`frames` will give (0 if the container does not say)."""
        step = self.frame_step(max_fps)
        if step is None:
            return self.nominal_frames
        return int(round(self.nominal_frames / (self.nominal_fps * step)))

    def frames(
        self,
        working_side: int = DEFAULT_WORKING_SIDE,
        *,
        planar: bool = False,
        max_fps: float | None = None,
        decode_threads: int | None = None,
    ) -> Iterator[Frame]:
        """Upright RGB frames, scaled so the longer side is at most ``working_side``.

        ``planar``: keep 8-bit 4:2:0 frames that need no scaling as their YUV planes
        (:mod:`pose.video.planar`: the tracker crops them directly, which saves converting and turning
        the whole frame); other frames are RGB arrays as usual.

        ``max_fps``: above it (:meth:`frame_step`), keep one frame per ``1 / max_fps`` seconds
        on a fixed grid (a 120 fps clip gives every 4th frame), with their true timestamps;
        the others are decoded (the codec needs them) but never converted. ``index`` counts the
        frames given. ``decode_threads``: FFmpeg's threads (0: as many as it likes); None
        chooses by frame size (:data:`SINGLE_THREAD_PIXELS`).

        Frames whose timestamp does not advance are skipped (keeps timestamps strictly
        increasing). Stops with :class:`VideoError` past the clip-length limit; a stream that
        breaks off after some frames ends the iteration (``self.truncated`` is set).
        """
        stream = self.stream
        if decode_threads is None:
            small = stream.codec_context.width * stream.codec_context.height
            decode_threads = 1 if small <= SINGLE_THREAD_PIXELS else 0
        if decode_threads == 1:
            stream.codec_context.thread_count = 1
        else:
            stream.codec_context.thread_count = decode_threads
            stream.thread_type = "AUTO"
        step = self.frame_step(max_fps)
        # A frame is kept once its time reaches the next point of the grid, less a tenth of a
        # step (timestamps are rounded by the container: 4/120 s may read as 0.03332).
        tolerance = 0.1 * step if step else 0.0
        next_due = 0.0
        self.truncated = False
        self.rotation = 0
        size: tuple[int, int] | None = None
        t0: float | None = None
        last = -np.inf
        index = 0
        decoded = self.container.decode(stream)
        while True:
            try:
                frame = next(decoded)
            except StopIteration:
                break
            except av.error.FFmpegError as exc:
                if index == 0:
                    raise VideoError(f"no frame could be decoded: {_ffmpeg_reason(exc)}") from None
                self.truncated = True
                break
            if size is None:
                self.rotation = _display_rotation(frame)
                size = _working_size(frame.width, frame.height, working_side)
            time = frame.time
            if time is None:
                time = index / (self.nominal_fps or 30.0)
            if t0 is None:
                t0 = time
            time -= t0
            if time <= last:
                continue
            if time > self.max_seconds:
                raise VideoError(f"the clip is longer than the {self.max_seconds:.0f} s accepted")
            last = time
            if step is not None:
                if time + tolerance < next_due:
                    continue
                next_due = (int((time + tolerance) / step) + 1) * step
            matrix = matrix_name(frame) if planar else None
            if matrix is not None and (frame.width, frame.height) == size:
                picture = PlanarFrame(frame, self.rotation, matrix)
                brightness = picture.brightness()
            else:
                # One swscale step converts (and, past the working size, scales); the array is
                # the converted frame's own buffer, not a copy (this runs in the decode thread).
                rgb = frame.to_ndarray(
                    width=size[0], height=size[1], format="rgb24", interpolation="BILINEAR"
                )
                picture = rotate_upright(rgb, self.rotation)
                # The mean of every 16th pixel each way: plenty for "too dark", and microseconds.
                brightness = float(picture[8::16, 8::16].mean())
            yield Frame(index=index, time=float(time), picture=picture, brightness=brightness)
            index += 1
        if index == 0:
            raise VideoError("the video has no frames that could be decoded")

    def upright_size(self) -> tuple[int, int]:
        """(width, height) as displayed; valid once the first frame was decoded."""
        w, h = self.stream.width, self.stream.height
        return (h, w) if self.rotation in (90, 270) else (w, h)


def _working_size(width: int, height: int, working_side: int) -> tuple[int, int]:
    scale = min(1.0, working_side / max(width, height))
    # even sizes keep swscale on its fast paths
    return max(2, int(round(width * scale / 2)) * 2), max(2, int(round(height * scale / 2)) * 2)


def _ffmpeg_reason(exc: Exception) -> str:
    text = getattr(exc, "strerror", None) or str(exc)
    return text.split(":")[-1].strip() if text else type(exc).__name__
