"""`python -m ssot_lsp` with a time stamp at each stage of its start (read by benchmarks/startup.py).

Its text is run with `python -c` (so `sys.path` starts with the current folder, as with
`-m`). It wraps, as they are imported, the functions that mark the stages of a start, then
runs the package's `__main__` like `-m` does. Each stamp is a line `stage seconds` (wall
clock, `time.time()`) appended to the file named by `SSOT_START_TRACE`; only the first
occurrence of a stage counts. The wrappers cost microseconds and add no imports.
"""

import time

BOOT = time.time()

import os  # noqa: E402
import sys  # noqa: E402
from importlib.machinery import PathFinder  # noqa: E402  (already loaded: part of the interpreter's start)

_TRACE = open(os.environ["SSOT_START_TRACE"], "a", buffering=1)
_SEEN = set()


def stamp(stage, when=None):
    if stage not in _SEEN:
        _SEEN.add(stage)
        _TRACE.write(f"{stage} {time.time() if when is None else when:.6f}\n")


def around(name, function):
    """`function` with a stamp as it starts (`name:start`) and as it returns (`name:end`)."""
    def wrapped(*args, **kwargs):
        stamp(name + ":start")
        try:
            return function(*args, **kwargs)
        finally:
            stamp(name + ":end")
    return wrapped


def patch_startup(module):
    module.prepare = around("prepare", module.prepare)


def patch_server(module):
    stamp("server-module")
    module.create_server = around("create_server", module.create_server)
    protocol = module.SsotProtocol
    handle, send = protocol.handle_message, protocol._send_data

    def handle_message(self, message):
        stamp("received:" + str(getattr(message, "method", None) or "response"))
        return handle(self, message)

    def send_data(self, data):
        method = getattr(data, "method", None) or (data.get("method") if isinstance(data, dict) else None)
        result = send(self, data)
        stamp("sent:" + str(method or "response"))
        if method == "textDocument/publishDiagnostics" and "modules" not in _SEEN:
            _SEEN.add("modules")  # what the first diagnostics needed imported
            _TRACE.write("modules " + " ".join(sorted(sys.modules)) + "\n")
        return result

    protocol.handle_message, protocol._send_data = handle_message, send_data


def patch_documents(module):
    module.check_text = around("check_text", module.check_text)
    module.analyze = around("analyze", module.analyze)


def patch_configs(module):
    module.ConfigStore.lookup = around("config_lookup", module.ConfigStore.lookup)


PATCHES = {"ssot_lsp.lsp.startup": patch_startup, "ssot_lsp.lsp.server": patch_server,
           "ssot_lsp.lsp.documents": patch_documents, "ssot_lsp.lsp.configs": patch_configs}


class _Finder:
    """Finds the modules in PATCHES as usual and patches each once it has run."""

    @staticmethod
    def find_spec(name, path=None, target=None):
        patch = PATCHES.get(name)
        if patch is None:
            return None
        spec = PathFinder.find_spec(name, path, target)
        if spec is None or spec.loader is None:
            return spec
        execute = spec.loader.exec_module

        def exec_module(module):
            execute(module)
            patch(module)

        spec.loader.exec_module = exec_module
        return spec


stamp("boot", BOOT)
sys.meta_path.insert(0, _Finder())
sys.argv = ["ssot_lsp"]
import runpy  # noqa: E402

stamp("entry")
runpy.run_module("ssot_lsp", run_name="__main__", alter_sys=True)
