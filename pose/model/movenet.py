"""MoveNet models: the backend call with MoveNet's input and output conventions.

rtmlib-style: ``__call__`` runs preprocess → inference → postprocess; the backend session is
created once and reused (a Celery worker keeps one per process).
"""

from __future__ import annotations

import numpy as np

from pose.model.backends import DEFAULT_THREADS, create_backend
from pose.model.weights import model_info

MULTIPOSE_MIN_SCORE = 0.2


class SinglePoseModel:
    """MoveNet SinglePose (Lightning or Thunder) on one square crop."""

    def __init__(
        self,
        name: str = "lightning",
        backend: str = "litert",
        num_threads: int = DEFAULT_THREADS,
        precision: str | None = None,
    ) -> None:
        if name not in ("lightning", "thunder"):
            raise ValueError(f"single-pose model must be lightning or thunder, not {name!r}")
        self.name = name
        self.backend_name = backend
        self.input_size = model_info(name).input_size
        self._run = create_backend(name, backend, num_threads, precision)
        self.precision = self._run.precision

    @property
    def label(self) -> str:
        return f"movenet-{self.name}"

    def __call__(self, crop: np.ndarray) -> np.ndarray:
        """(17, 3) of (y, x, score), normalised to the crop, for an ``S x S x 3`` crop (uint8,
        as :func:`pose.video.sampling.crop_and_resize` gives it, or integers 0-255)."""
        return self._run.keypoints(crop).astype(np.float64)


class MultiPoseModel:
    """MoveNet MultiPose Lightning: up to 6 people in a padded square image.

    Output rows are 56 values: 17 x (y, x, score), then the box (y_min, x_min, y_max, x_max)
    and the person's score, all normalised to the model input.
    """

    def __init__(self, backend: str = "litert", num_threads: int = DEFAULT_THREADS) -> None:
        self.input_size = model_info("multipose").input_size
        self._run = create_backend("multipose", backend, num_threads)

    def __call__(self, square: np.ndarray) -> list[tuple[np.ndarray, np.ndarray, float]]:
        """People found: each (keypoints (17, 3) y/x/score, box (4,), score), best first."""
        rows = self._run(np.ascontiguousarray(square[None], dtype=np.int32))[0]
        people = [
            (
                row[:51].reshape(17, 3).astype(np.float64),
                row[51:55].astype(np.float64),
                float(row[55]),
            )
            for row in rows
            if row[55] >= MULTIPOSE_MIN_SCORE
        ]
        return sorted(people, key=lambda p: -p[2])
