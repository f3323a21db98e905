"""Call templates from the seeds, on the demo workspace's registry (SPEC §2)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from ssot_lsp.config import load_config
from ssot_lsp.edits import apply_edits
from ssot_lsp.engine import analyze, registry_for
from ssot_lsp.fixer import fix_all, plan_fixes

HEADER = "from netra_backend.app.websocket_core import create_websocket_manager, get_websocket_manager\n\n\n"


@pytest.fixture
def demo(demo_copy: Path):
    registry = registry_for(load_config(demo_copy / "pyproject.toml"))
    path = demo_copy / "netra_backend" / "app" / "routes" / "seeded.py"
    return registry, path


def fixed(demo, body: str):
    registry, path = demo
    result = fix_all(HEADER + body, path, registry)
    ast.parse(result.text)
    return result


def test_user_context_keyword_gets_the_authorized_constructor(demo):
    result = fixed(demo, "def f(ctx):\n    return create_websocket_manager(user_context=ctx)\n")
    assert "WebSocketManager(user_context=ctx, _ssot_authorization_token=secrets.token_urlsafe(32))" in result.text
    assert "import secrets\n" in result.text
    assert "from netra_backend.app.websocket_core.canonical_imports import WebSocketManager\n" in result.text
    assert "create_websocket_manager" not in result.text


def test_no_arguments_use_the_test_mode_template(demo):
    result = fixed(demo, "def f():\n    return create_websocket_manager()\n")
    assert "WebSocketManager(mode=WebSocketManagerMode.TEST)" in result.text
    assert "secrets" not in result.text  # only imports the replacement uses are added


def test_positional_argument_binds_through_params(demo):
    result = fixed(demo, "def f(ctx):\n    return create_websocket_manager(ctx)\n")
    assert "WebSocketManager(user_context=ctx, _ssot_authorization_token=" in result.text


def test_an_argument_no_template_uses_is_left_manual(demo):
    body = "def f(ctx):\n    return create_websocket_manager(ctx, retries=3)\n"
    result = fixed(demo, body)
    assert result.text == HEADER + body
    assert [v.code for v in result.manual] == ["SSOT002"]


def test_singleton_in_a_function_with_the_context_becomes_the_factory(demo):
    result = fixed(demo, "def f(user_id, connection_id, user_context):\n    return get_websocket_manager()\n")
    assert ("create_isolated_manager(user_id=user_id, connection_id=connection_id, user_context=user_context)"
            in result.text)
    assert "get_websocket_manager" not in result.text


def test_singleton_without_the_context_is_manual_with_snippet_stops(demo):
    registry, path = demo
    text = HEADER + "def f():\n    return get_websocket_manager()\n"
    result = fix_all(text, path, registry)
    assert result.text == text and [v.code for v in result.manual] == ["SSOT003"]
    checked = analyze(text, path, registry)
    [fix] = plan_fixes(text, checked, registry)
    assert fix.manual and fix.missing == ("user_id", "connection_id", "user_context")
    assert "create_isolated_manager(user_id=user_id, connection_id=connection_id" in apply_edits(text, fix.edits)
    [snippet] = plan_fixes(text, checked, registry, snippets=True)
    assert "create_isolated_manager(user_id=${1:user_id}, connection_id=${2:connection_id}" in apply_edits(
        text, snippet.edits)
