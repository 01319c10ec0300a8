"""Shared by the clinical-test tests: the catalog's clinical entries, read from the file alone
(so that a half-written entry of another exercise does not stop these tests)."""

from __future__ import annotations

import json

from pose.measures.catalog import DEFAULT_CATALOG, ExerciseSpec

CLINICAL_SLUGS = (
    "five_times_sit_to_stand",
    "thirty_second_chair_stand",
    "timed_up_and_go",
    "four_stage_balance",
    "shoulder_flexion_rom",
    "shoulder_abduction_rom",
    "knee_flexion_rom",
    "hip_flexion_rom",
    "elbow_flexion_rom",
)


def clinical_spec(slug: str, **params) -> ExerciseSpec:
    """The catalog entry ``slug`` (one of :data:`CLINICAL_SLUGS`), with parameters overridden."""
    entries = {e["slug"]: e for e in json.loads(DEFAULT_CATALOG.read_text())["exercises"]}
    spec = ExerciseSpec.from_json(entries[slug])
    return spec.with_params(**params) if params else spec


def upload_body(track) -> dict:
    """A synthetic track as a privacy-mode upload's ``keypoints`` (the device's JSON)."""
    return {**track.to_json(), "model": "device"}


def clinical_tracks() -> dict:
    """One synthetic clip per clinical test type, with what it must measure: ``{slug: (track,
    check)}`` where ``check(outcome_json)`` asserts the known answer."""
    from tests.support.synthetic import (
        StandCycle,
        TugTimes,
        chair_stand_track,
        four_stage_track,
        make_track,
        tug_track,
    )

    five, starts, fulls = chair_stand_track([StandCycle(0.9, 0.4, 0.9, 0.4)] * 5)
    five_seconds = fulls[4] - starts[0]
    thirty, starts30, fulls30 = chair_stand_track([StandCycle(1.0, 0.5, 1.0, 0.9)] * 12)
    tug, bounds = tug_track(TugTimes())
    balance, _ = four_stage_track((10.5, 10.5, 6.0, 0.0, 2.0))
    import numpy as np

    from tests.support.synthetic import Pose

    up = np.concatenate([np.zeros(15), np.linspace(0, 150, 30), np.full(20, 150.0), np.zeros(15)])
    rom = make_track([Pose(shoulder=(a, a), shoulder_plane="flexion") for a in up])

    def near(value, expected, tolerance):
        assert value is not None and abs(value - expected) <= tolerance, (value, expected)

    return {
        "five_times_sit_to_stand": (
            five,
            lambda o: near(o["seconds"], five_seconds, 0.08),
        ),
        "thirty_second_chair_stand": (
            thirty,
            lambda o: near(o["count"], sum(f <= starts30[0] + 30 for f in fulls30), 0),
        ),
        "timed_up_and_go": (
            tug,
            lambda o: near(o["seconds"], bounds["sit"][1] - bounds["rise"][0], 0.08),
        ),
        "four_stage_balance": (balance, lambda o: near(o["count"], 2, 0)),
        "shoulder_flexion_rom": (rom, lambda o: near(o["degrees"], 150.0, 1.0)),
    }
