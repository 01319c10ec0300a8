"""The clinical catalog: one file, every built-in exercise, valid protocols, cited norms."""

from __future__ import annotations

import json

import pytest

from pose.errors import PoseError
from pose.measures.catalog import CatalogError, ExerciseSpec, get_exercise, load_catalog
from pose.measures.protocols import PROTOCOLS

REQUIRED = {
    "squat",
    "sit_to_stand",
    "seated_knee_extension",
    "shoulder_abduction",
    "shoulder_flexion",
    "heel_raise",
    "single_leg_stance",
    "tandem_stance",
    "feet_together_stance",
}


def test_every_required_exercise_is_present_and_valid():
    catalog = load_catalog()
    assert REQUIRED <= set(catalog)
    for spec in catalog.values():
        assert spec.camera_view in ("side", "front")
        assert spec.instructions and spec.measures and spec.primary_measure
        assert spec.norms and all(n.source and n.unit for n in spec.norms)
        assert isinstance(spec.make_protocol(), tuple(p.params for p in PROTOCOLS.values()))


def test_norms_cite_the_agreed_sources():
    text = json.dumps([s.to_json() for s in load_catalog().values()])
    for source in ("STEADI", "Rikli", "Springer", "Norkin"):
        assert source in text
    tandem = get_exercise("tandem_stance")
    assert any("10" in str(n.value) and "STEADI" in n.source for n in tandem.norms)


def test_catalog_documents_conventions_and_formulas():
    from pose.measures.catalog import DEFAULT_CATALOG

    conventions = json.loads(DEFAULT_CATALOG.read_text())["conventions"]
    assert "0 deg = anatomical neutral" in conventions["angles"]
    assert "score = 100" in conventions["balance_score"]
    from pose.measures.balance import SWAY_RMS_REFERENCE

    assert f"/ {SWAY_RMS_REFERENCE})^2" in conventions["balance_score"]


def test_round_trip_to_json():
    spec = get_exercise("squat")
    assert ExerciseSpec.from_json(spec.to_json()) == spec
    assert json.loads(json.dumps(spec.to_json()))["default_dose"]["sets"] == 3


def test_unknown_slug_lists_known_ones():
    with pytest.raises(CatalogError) as info:
        get_exercise("moonwalk")
    assert "squat" in str(info.value) and isinstance(info.value, KeyError)


def test_env_var_and_bad_entries(tmp_path, monkeypatch):
    squat = get_exercise("squat").to_json()
    bad = tmp_path / "catalog.json"
    entry = squat | {"protocol": "juggling"}
    bad.write_text(json.dumps({"exercises": [entry]}))
    monkeypatch.setenv("THERAPOSE_CATALOG", str(bad))
    with pytest.raises(PoseError, match="juggling"):
        load_catalog()
    good = tmp_path / "good.json"
    good.write_text(json.dumps({"exercises": [squat]}))
    monkeypatch.setenv("THERAPOSE_CATALOG", str(good))
    assert list(load_catalog()) == ["squat"]
