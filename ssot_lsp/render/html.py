"""The compliance report as one self-contained HTML page (SPEC §7).

No scripts, fonts or images are fetched: the styles are inline and the charts are inline
SVG (a score gauge and horizontal bar charts), so the file can be archived as a CI
artifact and opened anywhere.
"""

from __future__ import annotations

from html import escape
from typing import Any

from .campaign import phases_html
from .markdown import TERMS

_BAR_WIDTH = 360
_ROW = 26
_LABEL = 370

_STYLE = """
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; margin: 2rem auto;
       max-width: 60rem; color: #1f2933; padding: 0 1rem; }
h1 { font-size: 1.6rem; } h2 { font-size: 1.2rem; margin-top: 2rem; }
.summary { display: flex; gap: 2rem; align-items: center; flex-wrap: wrap; }
.numbers { font-size: 1.05rem; line-height: 1.6; }
table { border-collapse: collapse; margin-top: .5rem; }
th, td { padding: .25rem .75rem; border-bottom: 1px solid #d9e2ec; text-align: right; }
th:first-child, td:first-child { text-align: left; }
svg text { font-family: inherit; font-size: 13px; fill: #1f2933; }
.bar { fill: #d64545; } .track { fill: #e4e7eb; }
.legend { font-size: .9rem; color: #52606d; }
.swatch { display: inline-block; width: .8em; height: .8em; border-radius: 2px; margin-left: .6em; }
.swatch.canonical { background: #2f9e44; } .swatch.violating { background: #d64545; }
.swatch.other { background: #e4e7eb; }
"""


def render_html(report: dict[str, Any]) -> str:
    """A complete HTML document for a report produced by `Report.as_json()`."""
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        "<title>SSOT compliance report</title>",
        f"<style>{_STYLE}</style></head><body>",
        "<h1>SSOT compliance report</h1>",
        '<div class="summary">',
        _gauge(report),
        '<div class="numbers">',
        f"<div><strong>{report['canonical']}</strong> canonical / <strong>{report['total']}</strong> "
        f"governed imports ({report['violating']} violating)</div>",
        f"<div><strong>{report['violations']}</strong> violations in {report['files']} files checked</div>",
        f"<div>{report['fixes']['auto']} fixable with <code>ssot-lsp fix</code>, "
        f"{report['fixes']['manual']} need manual arguments, {report['fixes']['none']} flag-only</div>",
        f'<div class="terms">{escape(TERMS)}</div>',
        '<div class="legend"><span class="swatch canonical"></span> canonical '
        '<span class="swatch violating"></span> violating <span class="swatch other"></span> other governed</div>',
    ]
    if report.get("scope"):
        parts.append("<div>Scope: " + ", ".join(f"<code>{escape(s)}</code>" for s in report["scope"]) + "</div>")
    parts.append("</div></div>")
    parts += phases_html(report)
    if report["by_rule"]:
        parts += ["<h2>Violations by rule</h2>",
                  _bars("by-rule", [(f"{r['code']} ({r['severity']})", r["count"]) for r in report["by_rule"]]),
                  _table(["Rule", "Kind", "Severity", "Count", "Share", "Auto", "Manual"],
                         [[r["code"], r["kind"], r["severity"], r["count"], f"{r['share']:.1f}%", r["auto"],
                           r["manual"]] for r in report["by_rule"]])]
    if report["by_folder"]:
        folders = report["by_folder"]
        parts += ["<h2>Violations by folder</h2>",
                  _bars("by-folder", [(name, c["violations"]) for name, c in folders.items()]),
                  _table(["Folder", "Files", "Governed", "Canonical", "Violations"],
                         [[name, c["files"], c["total"], c["canonical"], c["violations"]]
                          for name, c in folders.items()])]
    if report["top_files"]:
        parts += ["<h2>Files with most violations</h2>",
                  _bars("top-files", [(r["file"], r["violations"]) for r in report["top_files"]])]
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


def _gauge(report: dict[str, Any]) -> str:
    """The score as a ring: green for the canonical share, red for the violating share."""
    radius, width = 52, 14
    circumference = 2 * 3.141592653589793 * radius
    total = report["total"] or 1
    canonical = circumference * report["canonical"] / total
    violating = circumference * report["violating"] / total
    score = report["score"]
    ring = f'cx="70" cy="70" r="{radius}" fill="none" stroke-width="{width}" transform="rotate(-90 70 70)"'
    return (
        f'<svg class="chart gauge" width="140" height="140" viewBox="0 0 140 140" role="img" '
        f'aria-label="Compliance score {score:.1f} percent">'
        f'<circle class="ring" {ring} stroke="#e4e7eb"/>'
        f'<circle class="ring-canonical" {ring} stroke="#2f9e44" '
        f'stroke-dasharray="{canonical:.2f} {circumference:.2f}"/>'
        f'<circle class="ring-violating" {ring} stroke="#d64545" '
        f'stroke-dasharray="{violating:.2f} {circumference:.2f}" stroke-dashoffset="{-canonical:.2f}"/>'
        f'<text x="70" y="76" text-anchor="middle" style="font-size:22px;font-weight:600">{score:.1f}%</text>'
        "</svg>"
    )


def _bars(name: str, rows: list[tuple[str, int]]) -> str:
    """A horizontal bar chart: label, bar scaled to the largest value, the value."""
    largest = max((value for _, value in rows), default=0) or 1
    height = _ROW * len(rows) + 8
    width = _LABEL + _BAR_WIDTH + 60
    items = [f'<svg class="chart bars {name}" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}" role="img" aria-label="{escape(name)}">']
    for index, (label, value) in enumerate(rows):
        y = 4 + index * _ROW
        length = round(_BAR_WIDTH * value / largest, 1)
        shown = label if len(label) <= 52 else "…" + label[-51:]
        items += [
            f'<text x="{_LABEL - 8}" y="{y + 16}" text-anchor="end"><title>{escape(label)}</title>{escape(shown)}</text>',
            f'<rect class="track" x="{_LABEL}" y="{y + 3}" width="{_BAR_WIDTH}" height="18" rx="3"/>',
            f'<rect class="bar" x="{_LABEL}" y="{y + 3}" width="{length}" height="18" rx="3"/>',
            f'<text x="{_LABEL + _BAR_WIDTH + 8}" y="{y + 16}">{value}</text>',
        ]
    items.append("</svg>")
    return "".join(items)


def _table(headers: list[str], rows: list[list[Any]]) -> str:
    head = "".join(f"<th>{escape(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{escape(str(cell))}</td>" for cell in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
