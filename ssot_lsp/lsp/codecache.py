"""A cache of the code that attrs, cattrs and dataclasses generate while the server starts.

Importing lsprotocol defines some 550 attrs classes, and attrs writes and compiles the
source of each class's `__init__`, `__eq__`, `__repr__`...; cattrs then compiles a
structuring function per message type the server meets. Compiling that generated source
is about a third of the server's start-up. The engine's ~60 dataclasses are made the
same way (`dataclasses` runs `exec` on the source of ~150 functions). The generated source is the same from one
start to the next, so the compiled code objects are kept in a file (`marshal`, keyed by
the exact source text and file name) and reused: a cache hit is the code object that
compiling the same text would give.

Only the `compile` that `attr._make` and `cattrs.gen` call, and the `exec` that
`dataclasses` calls, are replaced (module globals that shadow the builtins in those
modules alone; the `exec` compiles a text through the cache, then runs the code as the
builtin would); nothing else in the process is affected.
The file lives in the user's cache folder (`$XDG_CACHE_HOME/ssot-lsp`, the platform's
equivalent, or `$SSOT_LSP_CACHE_DIR`), one per Python environment; `SSOT_LSP_CODE_CACHE=0`
turns the cache off. A file that cannot be read is ignored and rewritten.
"""

from __future__ import annotations

import __future__

import builtins
import logging
import marshal
import os
import sys
import threading
import time
import zlib
from pathlib import Path
from types import CodeType
from typing import Any, Callable, Optional

log = logging.getLogger("ssot_lsp")
MODULES = ("attr._make", "cattrs.gen", "cattrs.gen.typeddicts")  # their `compile` is replaced
EXEC_MODULES = ("dataclasses",)  # their `exec` is replaced
TEMPORARY = ".generated-code-"
_REAL_COMPILE = builtins.compile
_REAL_EXEC = builtins.exec
_lock = threading.Lock()
_known: dict[tuple[str, str, int], Any] = {}  # read from the file
_used: dict[tuple[str, str, int], Any] = {}  # asked for in this process (what the file will hold)
_unsaved = 0  # compiled since the file was last written
_compiled = 0
_reused = 0
_file: Optional[Path] = None
_active = False


def cache_folder() -> Path:
    if os.environ.get("SSOT_LSP_CACHE_DIR"):
        return Path(os.environ["SSOT_LSP_CACHE_DIR"])
    if sys.platform == "win32":
        base = os.environ.get("LOCALAPPDATA") or str(Path.home() / "AppData" / "Local")
    elif sys.platform == "darwin":
        base = str(Path.home() / "Library" / "Caches")
    else:
        base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "ssot-lsp"


def install() -> None:
    """Route the generated code of attrs, cattrs and dataclasses through the cache (call before importing
    lsprotocol and the engine)."""
    global _file, _active
    if _active or os.environ.get("SSOT_LSP_CODE_CACHE", "1") == "0":
        return
    try:
        import importlib

        modules = [importlib.import_module(name) for name in MODULES]
    except ImportError:
        return
    # One file per environment: two environments' attrs and cattrs may generate different code.
    environment = f"{zlib.crc32(sys.prefix.encode('utf-8', 'surrogatepass')):08x}"
    _file = cache_folder() / f"generated-code-{sys.implementation.cache_tag}-{environment}-m{marshal.version}.marshal"
    _known.update(_load(_file))
    for module in modules:
        setattr(module, "compile", _cached_compile(_future_flags(vars(module))))  # noqa: B010 - a module's global
    for name in EXEC_MODULES:
        module = importlib.import_module(name)
        setattr(module, "exec", _cached_exec(_cached_compile(_future_flags(vars(module)))))  # noqa: B010
    _active = True


def statistics() -> dict[str, Any]:
    """How many generated code objects came from the file and how many were compiled."""
    return {"active": _active, "file": str(_file) if _file else None, "reused": _reused, "compiled": _compiled}


def save(final: bool = True) -> None:
    """Write the code compiled in this process if some was missing from the file.

    `final` stops caching and frees the table (the source text of every generated
    function); code generated later is compiled as usual.
    """
    global _active, _unsaved
    if not _active:
        return
    with _lock:
        table, missed = dict(_used), _unsaved
        _unsaved = 0
        if final:
            _known.clear()
            _used.clear()
            _active = False
    if not missed or _file is None:
        return
    import tempfile  # here: with shutil, lzma and bz2 it would cost every start ~5 ms

    try:
        _file.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        _remove_abandoned(_file.parent)
        handle, temporary = tempfile.mkstemp(prefix=TEMPORARY, dir=str(_file.parent))
        try:
            with os.fdopen(handle, "wb") as stream:
                marshal.dump(table, stream)
            os.replace(temporary, _file)
        except BaseException:
            os.unlink(temporary)
            raise
    except (OSError, ValueError) as exc:
        log.info("ssot: could not write the code cache %s: %s", _file, exc)


def _remove_abandoned(folder: Path) -> None:
    """Temporary files of writers that were stopped half-way (a server leaves with os._exit)."""
    now = time.time()
    for path in folder.glob(TEMPORARY + "*"):
        try:
            if now - path.stat().st_mtime > 600:
                path.unlink()
        except OSError:
            pass


def _load(path: Path) -> dict[tuple[str, str, int], CodeType]:
    try:
        with open(path, "rb") as stream:
            table = marshal.load(stream)
    except FileNotFoundError:
        return {}
    except Exception as exc:  # damaged or from another format: start afresh
        log.info("ssot: ignoring the code cache %s: %s", path, exc)
        return {}
    if not isinstance(table, dict):
        return {}
    return {key: code for key, code in table.items()
            if isinstance(key, tuple) and len(key) == 3 and isinstance(code, CodeType)}


def _future_flags(namespace: dict[str, Any]) -> int:
    """The `from __future__` flags of a module (what its own `compile` calls inherit)."""
    flags = 0
    for name in __future__.all_feature_names:
        feature: __future__._Feature = getattr(__future__, name)
        if namespace.get(name) is feature:
            flags |= feature.compiler_flag
    return flags


def _cached_compile(inherited: int) -> Callable[..., Any]:
    def compile(source: Any, filename: Any, mode: str, flags: int = 0, dont_inherit: bool = False,
                optimize: int = -1) -> Any:
        if not dont_inherit:
            flags |= inherited
        if not (_active and type(source) is str and mode == "exec" and flags == inherited and optimize == -1):
            return _REAL_COMPILE(source, filename, mode, flags, True, optimize)
        global _unsaved, _compiled, _reused
        key = (str(filename), source, flags)
        code = _known.get(key)
        if code is None:
            code = _REAL_COMPILE(source, filename, mode, flags, True, optimize)
        with _lock:
            if code is _known.get(key):
                _reused += 1
            else:
                _unsaved += 1
                _compiled += 1
            if _active:
                _used[key] = code
        return code

    return compile


def _cached_exec(compile: Callable[..., Any]) -> Callable[..., None]:
    """`exec` that compiles a text with `compile` (a `_cached_compile`) and runs the code like the builtin."""

    def exec(source: Any, globals: Optional[dict[str, Any]] = None, locals: Any = None, /) -> None:
        if type(source) is not str:
            return _REAL_EXEC(source, globals, locals)
        if globals is None:  # the builtin would run it in its caller's namespaces
            caller = sys._getframe(1)
            globals, locals = caller.f_globals, caller.f_locals if locals is None else locals
        return _REAL_EXEC(compile(source, "<string>", "exec"), globals, locals)

    return exec
