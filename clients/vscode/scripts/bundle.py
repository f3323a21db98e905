"""Fills bundled/libs with ssot-lsp and the pinned, hashed libraries of requirements.txt, as
the .vsix carries them (SPEC §9). Pure-Python wheels only, no bytecode, no scripts.

    python scripts/bundle.py [--wheel dist/ssot_lsp-X-py3-none-any.whl]

Without --wheel, ssot-lsp is built from the repository around this folder.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parents[1]
REPO = HERE.parents[1]
LIBS = HERE / "bundled" / "libs"


def pip_install(*args: str) -> None:
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--target", str(LIBS), "--no-deps",
                    "--no-compile", "--disable-pip-version-check", *args], check=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--wheel", type=Path, help="the ssot-lsp wheel to bundle (default: build the repository)")
    args = parser.parse_args()
    shutil.rmtree(LIBS, ignore_errors=True)
    LIBS.mkdir(parents=True)
    # The same files on every Python >= 3.9: pure-Python wheels, chosen for the oldest one.
    pip_install("--require-hashes", "--only-binary=:all:", "--implementation", "py", "--python-version", "3.9",
                "-r", str(HERE / "requirements.txt"))
    pip_install(str(args.wheel.resolve() if args.wheel else REPO))
    shutil.rmtree(LIBS / "bin", ignore_errors=True)
    for cache in list(LIBS.rglob("__pycache__")):
        shutil.rmtree(cache)
    packages = sorted(p.name for p in LIBS.iterdir() if p.suffix != ".dist-info")
    print(f"bundled/libs: {', '.join(packages)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
