"""`ssot-lsp infer` on a real codebase with deprecations: Django 3.2's sdist (SPEC §13).

Downloads the sdist into benchmarks/.work/ (ignored by git) with pip, then measures in this
process: the first reading of the whole tree, the library alone, and one file read again
after an edit; and counts the rules by confidence and what `check` with `infer = true` finds.

    python3 benchmarks/infer_django.py [--version 3.2.25]
"""

from __future__ import annotations

import argparse
import collections
import json
import subprocess
import sys
import tarfile
import time
from pathlib import Path

WORK = Path(__file__).resolve().parent / ".work" / "infer"


def fetch(version: str) -> Path:
    root = WORK / f"Django-{version}"
    if not root.is_dir():
        WORK.mkdir(parents=True, exist_ok=True)
        subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "--no-binary", ":all:", "-q",
                        "-d", str(WORK), f"django=={version}"], check=True)
        with tarfile.open(WORK / f"Django-{version}.tar.gz") as archive:
            archive.extractall(WORK)
    (root / "ssot.toml").write_text('infer = true\nexclude = ["docs/", "scripts/", "extras/"]\n')
    return root


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--version", default="3.2.25")
    root = fetch(parser.parse_args().version)
    from ssot_lsp.config import load_config
    from ssot_lsp.infer import Inference

    config = load_config(root / "ssot.toml")
    started = time.perf_counter()
    inference = Inference(config)
    items = inference.inferred()
    whole = time.perf_counter() - started
    library = [path for path in inference.workspace_files() if "django" in path.relative_to(root).parts[:1]]
    started = time.perf_counter()
    Inference(config, files=library).inferred()
    library_time = time.perf_counter() - started
    started = time.perf_counter()
    inference.refresh(root / "django" / "utils" / "http.py")
    refresh_ms = (time.perf_counter() - started) * 1000
    checked = subprocess.run([sys.executable, "-m", "ssot_lsp", "check", "--format", "json", "."], cwd=root,
                             capture_output=True, text=True)
    found = json.loads(checked.stdout)
    print(json.dumps({
        "files": len(inference._found or {}), "library_files": len(library),
        "rules": dict(collections.Counter(item.confidence for item in items)),
        "kinds": dict(collections.Counter(f"{item.rule.kind}/{item.confidence}" for item in items)),
        "seconds_whole_tree": round(whole, 2), "seconds_library": round(library_time, 2),
        "refresh_ms": round(refresh_ms, 1), "check_violations": len(found),
        "check_fixable": sum(1 for record in found if record["fix"] == "auto"),
    }, indent=2))


if __name__ == "__main__":
    main()
