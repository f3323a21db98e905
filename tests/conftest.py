"""Shared fixtures: the repository layout and the demo workspace."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
DEMO = REPO / "examples" / "netra_demo"


@pytest.fixture
def demo_copy(tmp_path: Path) -> Path:
    """A private copy of the demo workspace that a test may change."""
    target = tmp_path / "netra_demo"
    shutil.copytree(DEMO, target, ignore=shutil.ignore_patterns("__pycache__"))
    return target
