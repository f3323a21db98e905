"""jedi's completions, run in the completion helper process (or, without one, on a thread).

jedi parses the whole document on its first request and re-parses only what changed on
later ones (parso's cache, per path), so the helper process is long-lived and is primed
with each opened document. Imports nothing from pygls or lsprotocol.

`SSOT_LSP_JEDI_PYTHON` names the project's Python when the server runs on another one (the
VS Code extension's bundled server): jedi then completes against that interpreter's
packages, whatever its version, without the server's own library folder on its path.
"""

from __future__ import annotations

import functools
import logging
import os
import pickle
from pathlib import Path
from typing import Any, Callable, Optional

from ..environment import PROJECT_PYTHON, project_env_vars

log = logging.getLogger(__name__)


class JediJobs:
    """jedi's jobs, and the Python environments they have set up (one per interpreter asked for)."""

    def __init__(self) -> None:
        self._environments: dict[str, Any] = {}
        tolerate_cut_cache_files()

    def complete(self, text: str, path: Optional[str], line: int, column: int) -> list[tuple[str, str]]:
        """(name, type) of jedi's completions at a 0-based line and code-point column, in jedi's order."""
        return [(c.name, c.type) for c in self._script(text, path).complete(line + 1, column)]

    def prime(self, text: str, path: Optional[str]) -> int:
        """Parse `text` (and what its first completion loads) so later requests pay only for changes;
        what the parse freed goes back to the system."""
        from .memory import release

        count = len(self._script(text, path).complete(1, 0))
        release()
        return count

    def _script(self, text: str, path: Optional[str]) -> Any:
        import jedi

        folder = Path(path).parent if path else Path.cwd()
        # In-process inference; jedi's default refuses to load the project's compiled extensions.
        project = jedi.Project(folder, load_unsafe_extensions=False)
        return jedi.Script(code=text, path=path, project=project, environment=self._environment())

    def _environment(self) -> Any:
        """The project's Python (`SSOT_LSP_JEDI_PYTHON`), else the server's own interpreter."""
        import jedi

        executable = os.environ.get(PROJECT_PYTHON, "")
        if executable not in self._environments:
            environment = None
            if executable:
                try:
                    environment = jedi.create_environment(executable, safe=False, env_vars=project_env_vars())
                except Exception as exc:  # jedi raises InvalidPythonEnvironment, OSError, its own errors
                    log.warning("ssot: jedi uses the server's Python: cannot use %s (%s)", executable, exc)
                    environment = None
            self._environments[executable] = environment or jedi.InterpreterEnvironment()
        return self._environments[executable]


def tolerate_cut_cache_files() -> None:
    """Let parso treat a cache file it cannot read as missing (once per process).

    parso keeps the trees of the stubs and modules jedi loads in a disk cache shared by
    every jedi on the machine (`~/.cache/jedi`) and writes each file in place: a process
    killed while writing one (a helper process stopped with its server) leaves it cut
    short, and parso then fails every later parse of that module, so completion breaks
    until the file is deleted by hand. Read as a miss, the module is parsed again and the
    file written anew.
    """
    import parso.cache

    load: Callable[..., Any] = parso.cache._load_from_file_system
    if getattr(load, "__wrapped__", None) is not None:
        return

    @functools.wraps(load)
    def tolerant(hashed_grammar: str, path: Any, p_time: float, cache_path: Any = None) -> Any:
        try:
            return load(hashed_grammar, path, p_time, cache_path=cache_path)
        except (pickle.UnpicklingError, EOFError, ValueError, AttributeError, ImportError, IndexError) as exc:
            log.warning("ssot: jedi's cache file for %s cannot be read (%s); parsing it again", path, exc)
            return None

    parso.cache._load_from_file_system = tolerant
