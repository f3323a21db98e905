"""Programs some tests drive (Neovim, Emacs, Chromium): required under CI, optional elsewhere."""

from __future__ import annotations

import os
import shutil

import pytest


def under_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("true", "1")


def require_program(*names: str, package: str) -> str:
    """The path of the first of `names` on PATH. Missing: the test fails under CI (which
    installs it, see .ci/run) and is skipped elsewhere, with the package to install."""
    for name in names:
        found = shutil.which(name)
        if found:
            return found
    message = f"{names[0]} is not installed (apt-get install {package})"
    if under_ci():
        pytest.fail(f"{message}; CI runs this test, so it must be there", pytrace=False)
    pytest.skip(message)
