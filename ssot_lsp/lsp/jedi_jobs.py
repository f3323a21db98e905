"""jedi's completions, run in the completion helper process (or, without one, on a thread).

jedi parses the whole document on its first request and re-parses only what changed on
later ones (parso's cache, per path), so the helper process is long-lived and is primed
with each opened document. Imports nothing from pygls or lsprotocol.
"""

from __future__ import annotations

from pathlib import Path
from typing import Optional


def complete(text: str, path: Optional[str], line: int, column: int) -> list[tuple[str, str]]:
    """(name, type) of jedi's completions at a 0-based line and code-point column, in jedi's order."""
    return [(c.name, c.type) for c in _script(text, path).complete(line + 1, column)]


def prime(text: str, path: Optional[str]) -> int:
    """Parse `text` (and what its first completion loads) so later requests pay only for changes."""
    return len(_script(text, path).complete(1, 0))


def _script(text: str, path: Optional[str]):
    import jedi

    folder = Path(path).parent if path else Path.cwd()
    # In-process inference; jedi's default refuses to load the project's compiled extensions.
    project = jedi.Project(folder, load_unsafe_extensions=False)
    return jedi.Script(code=text, path=path, project=project, environment=jedi.InterpreterEnvironment())
