"""Cleaning keypoint series before measuring: score gating, short-gap filling, zero-phase smoothing.

Plain functions over arrays, applied in this order by :func:`clean_keypoints`:

1. **Gate**: a keypoint whose score is below ``min_score`` (default :data:`MIN_SCORE` = 0.3) is
   unknown (NaN). No value is better than a wrong one.
2. **Fill**: interior gaps no longer than ``max_gap`` seconds (default :data:`MAX_GAP_SECONDS`
   = 0.25 s) are filled by linear interpolation; longer gaps and gaps at the ends stay NaN.
3. **Smooth**: a 4th-order low-pass Butterworth filter run forwards and backwards
   (``scipy.signal.filtfilt``: zero phase, so peaks are not delayed) with a cut-off of
   :data:`CUTOFF_HZ` = 6 Hz, the usual choice for human movement (Winter, *Biomechanics and
   Motor Control of Human Movement*), lowered to 0.4 x the sampling rate for slow clips. It is
   applied separately to each stretch without gaps (as Sports2D's ``filter.py`` does); a stretch
   too short for the filter's padding is left unsmoothed.

Filtering is offline (it looks at the whole clip); the browser's live counter is causal.
"""

from __future__ import annotations

import numpy as np
from scipy.signal import butter, filtfilt

MIN_SCORE = 0.3
MAX_GAP_SECONDS = 0.25
CUTOFF_HZ = 6.0
FILTER_ORDER = 4


def sample_rate(timestamps: np.ndarray) -> float:
    """Frames per second from the median frame interval (30.0 for a single frame)."""
    if len(timestamps) < 2:
        return 30.0
    return float(1.0 / np.median(np.diff(timestamps)))


def gate(values: np.ndarray, scores: np.ndarray, min_score: float = MIN_SCORE) -> np.ndarray:
    """``values`` (T, ...) with NaN wherever ``scores`` (T, ...) is below ``min_score``."""
    out = np.array(values, dtype=float, copy=True)
    out[scores < min_score] = np.nan
    return out


def finite_runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """``(start, stop)`` index pairs (stop exclusive) of the runs where ``mask`` is True."""
    padded = np.concatenate(([False], np.asarray(mask, dtype=bool), [False]))
    edges = np.flatnonzero(np.diff(padded.astype(np.int8)))
    return list(zip(edges[::2].tolist(), edges[1::2].tolist(), strict=True))


def fill_gaps(
    series: np.ndarray, timestamps: np.ndarray, max_gap: float = MAX_GAP_SECONDS
) -> np.ndarray:
    """Linearly interpolate interior NaN runs of a 1-D series lasting at most ``max_gap`` s."""
    out = np.array(series, dtype=float, copy=True)
    known = np.isfinite(out)
    if known.sum() < 2:
        return out
    for start, stop in finite_runs(~known):
        if start == 0 or stop == len(out):
            continue  # never extrapolate past the ends
        if timestamps[stop] - timestamps[start - 1] > max_gap + 1e-9:
            continue
        out[start:stop] = np.interp(
            timestamps[start:stop],
            [timestamps[start - 1], timestamps[stop]],
            [out[start - 1], out[stop]],
        )
    return out


def butterworth_zero_phase(
    series: np.ndarray, fs: float, cutoff: float = CUTOFF_HZ, order: int = FILTER_ORDER
) -> np.ndarray:
    """Zero-phase low-pass Butterworth of a 1-D series, per stretch without NaN."""
    out = np.array(series, dtype=float, copy=True)
    wn = min(cutoff, 0.4 * fs) / (fs / 2.0)
    b, a = butter(order, wn, btype="low")
    padlen = 3 * max(len(a), len(b))
    for start, stop in finite_runs(np.isfinite(out)):
        if stop - start > padlen:
            out[start:stop] = filtfilt(b, a, out[start:stop], padlen=padlen)
    return out


def clean_series(
    series: np.ndarray,
    timestamps: np.ndarray,
    *,
    max_gap: float = MAX_GAP_SECONDS,
    cutoff: float = CUTOFF_HZ,
) -> np.ndarray:
    """Fill short gaps then smooth a 1-D series already gated (NaN = unknown)."""
    filled = fill_gaps(series, timestamps, max_gap)
    return butterworth_zero_phase(filled, sample_rate(timestamps), cutoff)


def clean_keypoints(
    timestamps: np.ndarray,
    keypoints: np.ndarray,
    *,
    min_score: float = MIN_SCORE,
    max_gap: float = MAX_GAP_SECONDS,
    cutoff: float = CUTOFF_HZ,
    smooth: bool = True,
) -> np.ndarray:
    """Gated, gap-filled, smoothed x, y of a ``(T, 17, 3)`` track: ``(T, 17, 2)`` with NaN."""
    xy = gate(keypoints[..., :2], np.repeat(keypoints[..., 2:3], 2, axis=-1), min_score)
    if not smooth:
        return xy
    out = np.empty_like(xy)
    for joint in range(xy.shape[1]):
        for axis in range(2):
            out[:, joint, axis] = clean_series(
                xy[:, joint, axis], timestamps, max_gap=max_gap, cutoff=cutoff
            )
    return out
