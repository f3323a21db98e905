"""How a handler says where it runs, and how the server registers it accordingly.

Every LSP method the server answers is declared with one of two decorators:

- `on_loop(method)`: the handler runs on the event loop. It may read and change the
  session (documents, settings, scans), and awaits `ls.run_engine(...)` for any engine
  work, so the loop keeps answering while the engine works.
- `on_engine(method)`: a synchronous handler about one open document. The registration
  takes the document's current result on the event loop (checking it first if it is
  out of date), then runs the handler on the engine thread with that result: it may use
  the engine's caches (which only the engine thread touches) and must not change the
  session. A request about a document that is not open gets no answer (null).

`positions=True` turns a position outside the document into an InvalidParams error
response. `command=True` registers a `workspace/executeCommand` command instead of a
method. The declarations are plain data (`Handler`); `create_server` registers them.
"""

from __future__ import annotations

import enum
import functools
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable

from pygls.exceptions import JsonRpcInvalidParams

from ..convert import PositionOutOfRange
from ..diagnostics import current_result

if TYPE_CHECKING:
    from ..server import SsotServer


class Runs(enum.Enum):
    """Where a handler's own code runs."""

    LOOP = "event loop"
    ENGINE = "engine thread"


@dataclass(frozen=True)
class Handler:
    """One declared handler: the LSP method (or command) it answers, where it runs, its options."""

    method: str
    function: Callable[..., Any]
    runs: Runs
    options: Any = None
    positions: bool = False
    command: bool = False

    def __call__(self, *args: Any) -> Any:
        return self.function(*args)

    def register(self, server: "SsotServer") -> None:
        run = self.function if self.runs is Runs.LOOP else _on_engine_thread(self.function)
        if self.positions:
            run = _position_guard(run)
        if self.command:
            server.command(self.method)(run)
        else:
            server.feature(self.method, self.options)(run)


def on_loop(method: str, options: Any = None, positions: bool = False,
            command: bool = False) -> Callable[[Callable[..., Any]], Handler]:
    """Declare a handler that runs on the event loop (see the module docstring)."""
    return lambda function: Handler(method, function, Runs.LOOP, options, positions, command)


def on_engine(method: str, options: Any = None, positions: bool = False) -> Callable[[Callable[..., Any]], Handler]:
    """Declare a document handler that runs on the engine thread (see the module docstring)."""
    return lambda function: Handler(method, function, Runs.ENGINE, options, positions)


def _on_engine_thread(function: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(function)
    async def run(ls: "SsotServer", params: Any) -> Any:
        result = await current_result(ls, params.text_document.uri)
        if result is None:
            return None
        return await ls.run_engine(function, ls, params, result)

    return run


def _position_guard(handler: Callable[..., Any]) -> Callable[..., Any]:
    """Turn a position outside the document into an InvalidParams error response."""

    @functools.wraps(handler)
    async def guarded(ls: "SsotServer", params: Any) -> Any:
        try:
            return await handler(ls, params)
        except PositionOutOfRange as exc:
            raise JsonRpcInvalidParams(str(exc)) from exc

    return guarded


def declared_in(module: Any) -> list[Handler]:
    """The handlers a module declares, in the order it defines them."""
    return [value for value in vars(module).values() if isinstance(value, Handler)]
