"""The installed version of ssot-lsp, for `--version`, the server's `serverInfo`, SARIF and caches."""

from __future__ import annotations

import os
import sys
from functools import lru_cache

UNKNOWN = "unknown"  # not installed (run from a source tree without metadata)


@lru_cache(maxsize=1)
def version() -> str:
    """The installed version, read from the name of the package's dist-info folder.

    Importing importlib.metadata would cost ~60 ms of every server start; it is asked only
    when no dist-info folder is found on `sys.path`.
    """
    for folder in sys.path:
        try:
            names = os.listdir(folder or ".")
        except OSError:
            continue
        for name in names:
            if name.startswith("ssot_lsp-") and name.endswith(".dist-info"):
                return name[len("ssot_lsp-"):-len(".dist-info")]
    try:
        from importlib.metadata import PackageNotFoundError, version as installed

        return installed("ssot-lsp")
    except (ImportError, PackageNotFoundError):
        return UNKNOWN
