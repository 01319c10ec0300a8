"""The conversion cache: ``make setup`` keeps the current flatbuffers and removes earlier ones."""

from __future__ import annotations


def test_setup_removes_only_earlier_conversions(tmp_path):
    from pose.model.convert import remove_stale, tflite_path

    current = {tflite_path(name, tmp_path) for name in ("lightning", "multipose")}
    current.add(tflite_path("thunder", tmp_path, "int8"))
    old = [tmp_path / "movenet-lightning-358471ba819ee846.tflite", tmp_path / "movenet-x.tflite"]
    kept = [tmp_path / "movenet-lightning.json", tmp_path / "movenet-lightning.bin"]
    for path in [*current, *old, *kept]:
        path.write_bytes(b"x")
    assert remove_stale(tmp_path, current) == sorted(old)
    assert sorted(tmp_path.iterdir()) == sorted([*current, *kept])
