"""Draws images/icon.png (128x128): a registry card whose lines converge on one canonical
line. Standard library only; run it again after changing the drawing.

    python3 scripts/make_icon.py
"""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

SIZE = 128
SAMPLES = 4  # supersampling per axis, for smooth edges
BACKGROUND = (0x1F, 0x3B, 0x5C)
LINE = (0xC9, 0xD6, 0xE3)
CANONICAL = (0x3F, 0xC3, 0x80)
OUT = Path(__file__).resolve().parents[1] / "images" / "icon.png"


def rounded_box(x, y, left, top, right, bottom, radius):
    """Whether (x, y) lies inside the rounded rectangle."""
    cx = min(max(x, left + radius), right - radius)
    cy = min(max(y, top + radius), bottom - radius)
    return (x - cx) ** 2 + (y - cy) ** 2 <= radius ** 2


def segment(x, y, ax, ay, bx, by, width):
    """Whether (x, y) lies within width/2 of the segment a-b (round caps)."""
    dx, dy = bx - ax, by - ay
    t = max(0.0, min(1.0, ((x - ax) * dx + (y - ay) * dy) / (dx * dx + dy * dy)))
    px, py = ax + t * dx, ay + t * dy
    return (x - px) ** 2 + (y - py) ** 2 <= (width / 2) ** 2


def colour_at(x, y):
    """The colour at (x, y) and its coverage: None outside the card."""
    if not rounded_box(x, y, 4, 4, 124, 124, 24):
        return None
    # Three deprecated paths (grey) converge on the canonical one (green).
    for start_y in (34, 64, 94):
        if segment(x, y, 24, start_y, 64, 64, 9):
            return LINE
    if segment(x, y, 64, 64, 104, 64, 11) or segment(x, y, 104, 64, 90, 50, 9) or segment(x, y, 104, 64, 90, 78, 9):
        return CANONICAL
    return BACKGROUND


def pixels():
    rows = []
    for row in range(SIZE):
        line = bytearray([0])  # PNG filter type: none
        for column in range(SIZE):
            total = [0, 0, 0]
            covered = 0
            for sy in range(SAMPLES):
                for sx in range(SAMPLES):
                    colour = colour_at(column + (sx + 0.5) / SAMPLES, row + (sy + 0.5) / SAMPLES)
                    if colour is not None:
                        covered += 1
                        for i in range(3):
                            total[i] += colour[i]
            alpha = round(255 * covered / SAMPLES ** 2)
            rgb = [round(c / covered) for c in total] if covered else [0, 0, 0]
            line += bytes([*rgb, alpha])
        rows.append(bytes(line))
    return b"".join(rows)


def chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def main() -> None:
    header = struct.pack(">IIBBBBB", SIZE, SIZE, 8, 6, 0, 0, 0)  # 8-bit RGBA
    png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(pixels(), 9)) + chunk(b"IEND", b"")
    OUT.write_bytes(png)
    print(f"wrote {OUT} ({len(png)} bytes)")


if __name__ == "__main__":
    main()
