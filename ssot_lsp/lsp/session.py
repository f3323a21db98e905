"""Everything one language server keeps between messages, with the server's lifetime (SPEC §5).

A `Session` is created by the server and dies with it: nothing of it lives in a module,
so two servers in one process (the tests run several) share nothing. It holds the
client's settings, the open documents' results, the config store (registries per
config file, the open documents' unsaved text), the closed files' results of the
workspace scan and the scan in progress, the configuration errors already reported,
the helpers that run jedi and fix-all in other processes, the registries of the
compliance report and the pending release of freed memory.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Optional

from ..batch import FileResult
from ..configs import ConfigStore
from .documents import DocumentState
from .fix_jobs import FixHelper
from .jedi_completer import JediCompleter
from .memory import MemoryRelease
from .settings import SettingProblem, Settings

if TYPE_CHECKING:
    from .workspace import Scan


class Session:
    """The state of one server (see the module docstring)."""

    def __init__(self) -> None:
        self.settings = Settings()
        self.unreported_settings: list[SettingProblem] = []  # from `initialize`, shown on `initialized`
        self.reported_settings: frozenset[str] = frozenset()  # the settings problems last shown
        self.configs = ConfigStore()
        self.documents: dict[str, DocumentState] = {}
        self.workspace_results: dict[str, FileResult] = {}  # closed files' results (workspace scope)
        self.workspace_cleared: set[str] = set()  # closed files whose diagnostics the next pull clears
        self.noted: set[str] = set()  # documents whose size-policy note was logged
        self.reported_config_errors: dict[str, tuple[str, ...]] = {}  # config file URI -> errors shown
        self.scan: Optional[Scan] = None  # the workspace scan in progress
        self.jedi = JediCompleter()  # jedi in a helper process (started by the first request)
        self.fix_helper = FixHelper()  # fix-all in a helper process (started by the first fix-all)
        self.memory = MemoryRelease()

    def state(self, uri: str) -> DocumentState:
        return self.documents.setdefault(uri, DocumentState())

    def close(self) -> None:
        """Stop the helper processes (a scan in progress is cancelled)."""
        if self.scan is not None:
            self.scan.cancel()
        self.jedi.close()
        self.fix_helper.close()
