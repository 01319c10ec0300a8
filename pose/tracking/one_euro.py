"""The keypoint smoothing MoveNet is published with: a robust One Euro filter per coordinate.

A port of TF.js ``pose-detection``'s ``OneEuroFilter`` / ``LowPassFilter`` /
``KeypointsOneEuroFilter``, vectorised over all coordinates at once. Constants are MoveNet's
``KEYPOINT_FILTER_CONFIG``: frequency 30, minCutOff 2.5, beta 300, derivateCutOff 2.5,
thresholdCutOff 0.5, thresholdBeta 5, applied to coordinates normalised to [0, 1]. The
"robust" part: the update ``alpha * (x - prev)`` becomes ``alpha * t * asinh((x - prev) / t)``,
which is linear for small steps and grows only logarithmically for outliers.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class OneEuroConfig:
    frequency: float = 30.0
    min_cutoff: float = 2.5
    beta: float = 300.0
    derivate_cutoff: float = 2.5
    threshold_cutoff: float | None = 0.5
    threshold_beta: float = 5.0


MOVENET_KEYPOINT_FILTER = OneEuroConfig()


def _alpha(cutoff: np.ndarray | float, frequency: float) -> np.ndarray | float:
    te = 1.0 / frequency
    tau = 1.0 / (2 * math.pi * cutoff)
    return 1.0 / (1.0 + tau / te)


class OneEuroFilter:
    """One Euro filter over an array of values that share timestamps (e.g. all 34 coordinates)."""

    def __init__(self, config: OneEuroConfig = MOVENET_KEYPOINT_FILTER) -> None:
        self.config = config
        self.reset()

    def reset(self) -> None:
        self.frequency = self.config.frequency
        self.last_timestamp_us = 0
        self.raw: np.ndarray | None = None  # last raw value (x filter)
        self.value: np.ndarray | None = None  # last filtered value (x filter)
        self.derivative: np.ndarray | None = None  # last filtered derivative (dx filter)

    def __call__(self, values: np.ndarray, timestamp_us: float) -> np.ndarray:
        """Filter ``values`` seen at ``timestamp_us`` (microseconds, truncated as published).

        A timestamp not later than the previous one returns the values unfiltered, as published.
        """
        cfg = self.config
        ts = math.trunc(timestamp_us)
        if self.last_timestamp_us >= ts:
            return values.copy()
        if self.last_timestamp_us != 0 and ts != 0:
            self.frequency = 1.0 / ((ts - self.last_timestamp_us) * 1e-6)
        self.last_timestamp_us = ts
        if self.raw is None:
            d_value = np.zeros_like(values)
        else:
            d_value = (values - self.raw) * self.frequency
        a_d = _alpha(cfg.derivate_cutoff, self.frequency)
        if self.derivative is None:
            self.derivative = d_value
        else:
            self.derivative = self.derivative + a_d * (d_value - self.derivative)
        speed = np.abs(self.derivative)
        cutoff = cfg.min_cutoff + cfg.beta * speed
        a = _alpha(cutoff, self.frequency)
        if self.value is None:
            result = values.copy()
        elif cfg.threshold_cutoff is None:
            result = self.value + a * (values - self.value)
        else:
            threshold = cfg.threshold_cutoff + cfg.threshold_beta * speed
            result = self.value + a * threshold * np.arcsinh((values - self.value) / threshold)
        self.raw = values.copy()
        self.value = result
        return result
