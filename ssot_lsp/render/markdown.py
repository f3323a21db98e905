"""The compliance report as Markdown (SPEC §7): for terminals, PR comments and job summaries."""

from __future__ import annotations

from typing import Any

from .campaign import phases_markdown


def render_markdown(report: dict[str, Any]) -> str:
    """Markdown text of a report produced by `Report.as_json()`."""
    lines = [
        "# SSOT compliance report",
        "",
        f"**Score: {report['score']:.1f}%** ({report['canonical']} canonical / {report['total']} governed imports; "
        f"{report['violating']} violating)",
        "",
        f"{report['violations']} violation{'s' if report['violations'] != 1 else ''} in {report['files']} "
        f"file{'s' if report['files'] != 1 else ''} checked: {report['fixes']['auto']} fixable with "
        f"`ssot-lsp fix`, {report['fixes']['manual']} need manual arguments, "
        f"{report['fixes']['none']} flag-only.",
        "",
        TERMS,
    ]
    if report.get("scope"):
        lines += ["", "Scope: " + ", ".join(f"`{prefix}`" for prefix in report["scope"])]
    lines += phases_markdown(report)
    if report["by_rule"]:
        lines += ["", "## By rule", "", "| Rule | Kind | Severity | Count | Share | Auto | Manual |",
                  "|---|---|---|---:|---:|---:|---:|"]
        lines += [
            f"| {row['code']} | {row['kind']} | {row['severity']} | {row['count']} | {row['share']:.1f}% "
            f"| {row['auto']} | {row['manual']} |"
            for row in report["by_rule"]
        ]
    if report["by_folder"]:
        lines += ["", "## By folder", "", "| Folder | Files | Governed | Canonical | Violations |",
                  "|---|---:|---:|---:|---:|"]
        lines += [
            f"| {_cell(folder)} | {c['files']} | {c['total']} | {c['canonical']} | {c['violations']} |"
            for folder, c in report["by_folder"].items()
        ]
    if report["top_files"]:
        lines += ["", "## Files with most violations", "", "| File | Violations | Auto | Manual |",
                  "|---|---:|---:|---:|"]
        lines += [
            f"| {_cell(row['file'])} | {row['violations']} | {row['auto']} | {row['manual']} |"
            for row in report["top_files"]
        ]
    if report.get("errors"):
        lines += ["", "## Files that could not be read", ""] + [f"- {_cell(e)}" for e in report["errors"]]
    return "\n".join(lines) + "\n"


TERMS = (
    "Governed: import names the registry speaks about (under scope, or named by a rule or the "
    "canonical registry). Canonical: governed names imported the way the registry wants (from a "
    "canonical module or, without canonical-modules, from a rule's replacement). Violating: governed "
    "names that carry a violation (every name imported from a flagged module counts). Violations: every "
    "diagnostic, calls and references included; those are not import names and do not move the score."
)


def _cell(text: str) -> str:
    return text.replace("|", "\\|")
