"""The campaign parts of the report (SPEC §14): the phases table and the burn-down over history.

Markdown and HTML both come from here, so `render/markdown.py` and `render/html.py` only
append what these functions return. The burn-down is inline SVG (no scripts, no network).
"""

from __future__ import annotations

from html import escape
from typing import Any, Optional

_PHASE_COLUMNS = ["Phase", "Files", "Violations", "Auto", "Unsafe", "Manual", "Flag only", "Score", "Deadline",
                  "On track"]


def _phase_cells(row: dict[str, Any]) -> list[str]:
    track = {True: "yes", False: "no", None: "–"}[row.get("on_track")]
    return [row["name"], str(row["files"]), str(row["violations"]), str(row["auto"]), str(row["unsafe"]),
            str(row["manual"]), str(row["none"]), f"{row['score']:.1f}%", row["deadline"] or "–", track]


def has_phases(report: dict[str, Any]) -> bool:
    """Whether the configuration declares phases (`rest` alone is not worth a section)."""
    return len(report.get("by_phase") or ()) > 1


def phases_markdown(report: dict[str, Any]) -> list[str]:
    if not has_phases(report):
        return []
    lines = ["", "## By phase", "", "| " + " | ".join(_PHASE_COLUMNS) + " |",
             "|---|" + "---:|" * (len(_PHASE_COLUMNS) - 3) + "---|---|"]
    lines += ["| " + " | ".join(cell.replace("|", "\\|") for cell in _phase_cells(row)) + " |"
              for row in report["by_phase"]]
    return lines


def phases_html(report: dict[str, Any]) -> list[str]:
    if not has_phases(report):
        return []
    header = "".join(f"<th>{escape(c)}</th>" for c in _PHASE_COLUMNS)
    rows = "".join("<tr>" + "".join(f"<td>{escape(cell)}</td>" for cell in _phase_cells(row)) + "</tr>"
                   for row in report["by_phase"])
    return ["<h2>Phases</h2>", f'<table class="phases"><tr>{header}</tr>{rows}</table>']


# -- history --------------------------------------------------------------------------
def history_markdown(points: list[dict[str, Any]]) -> str:
    lines = ["# SSOT compliance history", "", "| Commit | Date | Score | Canonical | Governed | Violations |",
             "|---|---|---:|---:|---:|---:|"]
    lines += [f"| {p['commit'][:10]} | {p['date'][:10]} | {p['score']:.1f}% | {p['canonical']} | {p['total']} "
              f"| {p['violations']} |" if "error" not in p else
              f"| {p['commit'][:10]} | {p['date'][:10]} | error: {p['error'].replace('|', '/')} | | | |"
              for p in points]
    if not points:
        lines += ["", "No commits in the selected range."]
    return "\n".join(lines) + "\n"


def burndown_svg(points: list[dict[str, Any]], width: int = 640, height: int = 220) -> str:
    """Violations per commit (red line, left axis) and score (green line, 0–100 %); commits in error are left out."""
    points = [p for p in points if "error" not in p]
    left, right, top, bottom = 48, 16, 12, 28
    plot_w, plot_h = width - left - right, height - top - bottom
    largest = max((p["violations"] for p in points), default=0) or 1
    step = plot_w / max(len(points) - 1, 1)

    def polyline(values: list[float], scale: float, css: str) -> str:
        coordinates = " ".join(f"{left + i * step:.1f},{top + plot_h - plot_h * v / scale:.1f}"
                               for i, v in enumerate(values))
        return f'<polyline class="{css}" fill="none" stroke-width="2" points="{coordinates}"/>'

    parts = [f'<svg class="chart burndown" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
             f'role="img" aria-label="Violations and score per commit">',
             f'<rect class="track" x="{left}" y="{top}" width="{plot_w}" height="{plot_h}"/>',
             f'<text x="{left - 6}" y="{top + 10}" text-anchor="end">{largest}</text>',
             f'<text x="{left - 6}" y="{top + plot_h}" text-anchor="end">0</text>']
    if points:
        parts.append(polyline([p["violations"] for p in points], largest, "violations").replace(
            'class="violations"', 'class="violations" stroke="#d64545"'))
        parts.append(polyline([p["score"] for p in points], 100.0, "score").replace(
            'class="score"', 'class="score" stroke="#2f9e44"'))
        for index in (0, len(points) - 1):
            point = points[index]
            anchor = "start" if index == 0 else "end"
            parts.append(f'<text x="{left + index * step:.1f}" y="{height - 8}" text-anchor="{anchor}">'
                         f'{escape(point["date"][:10])}</text>')
    parts.append("</svg>")
    return "".join(parts)


def history_html(points: list[dict[str, Any]], title: Optional[str] = None) -> str:
    rows = "".join(f"<tr><td><code>{escape(p['commit'][:10])}</code></td><td>{escape(p['date'][:10])}</td>"
                   + (f"<td>{p['score']:.1f}%</td><td>{p['violations']}</td></tr>" if "error" not in p
                      else f"<td colspan=\"2\">error: {escape(p['error'])}</td></tr>") for p in points)
    return "\n".join([
        "<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
        f"<title>{escape(title or 'SSOT compliance history')}</title>",
        "<style>body{font-family:system-ui,sans-serif;margin:2rem auto;max-width:60rem}"
        "td,th{padding:.25rem .75rem;border-bottom:1px solid #d9e2ec}.track{fill:#f5f7fa}"
        "svg text{font-size:12px}</style></head><body>",
        "<h1>SSOT compliance history</h1>",
        '<p><span style="color:#d64545">violations</span> · <span style="color:#2f9e44">score (0–100 %)</span></p>',
        burndown_svg(points),
        "<table><tr><th>Commit</th><th>Date</th><th>Score</th><th>Violations</th></tr>" + rows + "</table>",
        "</body></html>",
    ]) + "\n"
