"""The server's handlers, one module per feature; each declares where it runs (`declare.py`).

`declared()` lists them for `create_server`, which registers each as it declares.
"""

from __future__ import annotations

from . import code_actions, commands, completion, documents, hover, workspace
from .declare import Handler, declared_in

FEATURES = (documents, code_actions, completion, hover, workspace, commands)


def declared() -> list[Handler]:
    """Every handler of every feature module, in the modules' order."""
    return [handler for module in FEATURES for handler in declared_in(module)]
