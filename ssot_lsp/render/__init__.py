"""Output formats of the CLI: Markdown and HTML reports, SARIF and GitHub annotations.

Each renderer takes plain data (a report's JSON, or `(path, Violation)` pairs) and
returns or prints text; none of them runs the engine except SARIF, which asks the fixer
for the edits of automatic fixes.
"""
