"""The README's sample commands print what the README shows (SPEC §10: it is the first thing users run)."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys

import pytest

from tests.conftest import REPO

ELIDED = "..."


def samples() -> list[tuple[str, list[str]]]:
    """(command line, expected output lines) of each ```text block that starts with `$ ssot-lsp`."""
    text = (REPO / "README.md").read_text(encoding="utf-8")
    found = []
    for block in re.findall(r"```text\n(.*?)```", text, re.S):
        lines = block.splitlines()
        if lines and lines[0].startswith("$ ssot-lsp "):
            found.append((lines[0][2:], lines[1:]))
    return found


def test_the_readme_has_samples() -> None:
    assert [command for command, _ in samples()][:1] == ["ssot-lsp check examples/netra_demo"]


@pytest.mark.parametrize("command, expected", samples(), ids=[command for command, _ in samples()])
def test_readme_sample_output_matches_the_real_command(command: str, expected: list[str]) -> None:
    env = {key: value for key, value in os.environ.items() if key != "FORCE_COLOR"}
    argv = [sys.executable, "-m", "ssot_lsp", *shlex.split(command)[1:]]
    real = subprocess.run(argv, cwd=REPO, capture_output=True, text=True, env=env, timeout=120).stdout.splitlines()
    if ELIDED in expected:  # `...` stands for lines left out: what is shown must match both ends
        cut = expected.index(ELIDED)
        head, tail = expected[:cut], expected[cut + 1:]
        assert real[:len(head)] == head
        assert real[len(real) - len(tail):] == tail
        assert len(real) > len(head) + len(tail)
    else:
        assert real == expected
