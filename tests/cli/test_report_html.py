"""The HTML report renders its charts in a real browser (headless Chromium), offline."""

from __future__ import annotations

import shutil
import struct
import subprocess
import sys
import zlib
from html.parser import HTMLParser
from pathlib import Path

import pytest

from tests.conftest import DEMO
from tests.programs import require_program

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
WIDTH, HEIGHT = 1100, 1500


@pytest.fixture(autouse=True)
def _chromium_installed() -> None:
    require_program("chromium", "chromium-browser", package="chromium")


def chromium(profile: Path, *args: str) -> subprocess.CompletedProcess:
    command = [
        CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
        f"--user-data-dir={profile}", *args,
    ]
    return subprocess.run(command, capture_output=True, text=True, timeout=120)


class SvgCounter(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.charts: list[str] = []
        self.bars = 0

    def handle_starttag(self, tag: str, attrs) -> None:
        classes = (dict(attrs).get("class") or "").split()
        if tag == "svg" and "chart" in classes:
            self.charts.append(" ".join(classes))
        if tag == "rect" and "bar" in classes:
            self.bars += 1


def png_size_and_colours(path: Path) -> tuple[tuple[int, int], int]:
    """Width, height and (a lower bound of) distinct pixel values of an 8-bit PNG."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height, depth, colour_type = struct.unpack(">IIBB", data[16:26])
    chunks, offset = [], 8
    while offset < len(data):
        length, kind = struct.unpack(">I4s", data[offset:offset + 8])
        if kind == b"IDAT":
            chunks.append(data[offset + 8:offset + 8 + length])
        offset += 12 + length
    raw = zlib.decompress(b"".join(chunks))
    channels = {2: 3, 6: 4, 0: 1, 4: 2}.get(colour_type, 4) * depth // 8
    stride = width * channels + 1
    samples = {raw[row * stride + 1 + col * channels:row * stride + 1 + (col + 1) * channels]
               for row in range(0, height, 7) for col in range(0, width, 7)}
    # Row filters make these byte strings differences rather than colours, but a blank
    # page still yields only a handful of distinct values.
    return (width, height), len(samples)


def test_html_report_renders_charts(tmp_path: Path):
    page = tmp_path / "report.html"
    result = subprocess.run([sys.executable, "-m", "ssot_lsp", "report", "--format", "html", "-o", str(page), "."],
                            cwd=DEMO, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr

    screenshot = tmp_path / "report.png"
    shot = chromium(tmp_path / "profile-shot", f"--screenshot={screenshot}", f"--window-size={WIDTH},{HEIGHT}",
                    page.as_uri())
    assert screenshot.exists(), shot.stderr
    size, colours = png_size_and_colours(screenshot)
    assert size == (WIDTH, HEIGHT)
    assert screenshot.stat().st_size > 20_000 and colours > 20

    dom = chromium(tmp_path / "profile-dom", "--dump-dom", page.as_uri())
    assert dom.returncode == 0, dom.stderr
    counter = SvgCounter()
    counter.feed(dom.stdout)
    assert counter.charts == ["chart gauge", "chart bars by-rule", "chart bars by-folder", "chart bars top-files"]
    # 6 rules, 3 folders, 8 files with violations: one bar each.
    assert counter.bars == 6 + 3 + 8
    assert "9.1%" in dom.stdout
