"""Neovim 0.7's built-in LSP client: diagnostics, a quick fix applied by Neovim, completion order."""

from __future__ import annotations

import json
from pathlib import Path

from .conftest import CANONICAL, PYTHON, ROUTES, require, run_editor

DRIVER = r"""
local out = io.open(OUT, 'w')
local function emit(line) out:write(line .. '\n'); out:flush() end
local ok, err = xpcall(function()
  vim.cmd('edit ' .. vim.fn.fnameescape(FILE))
  vim.bo.filetype = 'python'
  local bufnr = vim.api.nvim_get_current_buf()
  local id = vim.lsp.start_client{cmd = {PYTHON, '-m', 'ssot_lsp'}, root_dir = ROOT,
    init_options = {ssot = {debounceMs = 0, scanOnStartup = false}}}
  vim.lsp.buf_attach_client(bufnr, id)
  local client = vim.lsp.get_client_by_id(id)
  assert(vim.wait(60000, function() return #vim.diagnostic.get(bufnr) >= 6 end, 20), 'no diagnostics arrived')
  local target
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do
    emit(string.format('diag %s %d %d %d %d', d.code, d.lnum, d.col, d.end_lnum, d.end_col))
    if d.code == 'SSOT001' and d.lnum == 2 then target = d end
  end
  assert(target, 'no SSOT001 on line 3')
  local uri = vim.uri_from_bufnr(bufnr)
  local range = {start = {line = target.lnum, character = target.col},
                 ['end'] = {line = target.end_lnum, character = target.end_col}}
  local params = {textDocument = {uri = uri}, range = range, context = {only = {'quickfix'}, diagnostics = {
    {range = range, message = target.message, code = target.code, source = 'ssot', severity = target.severity}}}}
  local responses = vim.lsp.buf_request_sync(bufnr, 'textDocument/codeAction', params, 20000)
  local action
  for _, response in pairs(responses or {}) do
    for _, candidate in ipairs(response.result or {}) do
      if candidate.isPreferred then action = candidate end
    end
  end
  assert(action, 'no preferred quick fix')
  emit('action ' .. action.title)
  vim.lsp.util.apply_workspace_edit(action.edit, client.offset_encoding)
  emit('line3 ' .. vim.api.nvim_buf_get_lines(bufnr, 2, 3, false)[1])
  emit('line20 ' .. vim.api.nvim_buf_get_lines(bufnr, 19, 20, false)[1])
  vim.api.nvim_buf_set_lines(bufnr, -1, -1, false, {'', '', 'def fresh():', '    return Web'})
  vim.cmd('silent write')
  local last = vim.api.nvim_buf_line_count(bufnr)
  local cparams = {textDocument = {uri = uri}, position = {line = last - 1, character = 14}}
  local cresponses = vim.lsp.buf_request_sync(bufnr, 'textDocument/completion', cparams, 20000)
  local result
  for _, response in pairs(cresponses or {}) do result = response.result end
  assert(result, 'no completion result')
  local raw = {}
  for _, item in ipairs(result.items or result) do raw[item.label] = item end
  for _, item in ipairs(vim.lsp.util.text_document_completion_list_to_complete_items(result, 'Web')) do
    local original = raw[item.word] or {}
    -- 0.7 does not announce the Deprecated tag; the server ranks deprecated names in bucket 2.
    local deprecated = (original.sortText or ''):sub(1, 1) == '2'
    emit('completion ' .. item.word .. ' ' .. tostring(deprecated))
  end
  emit('ok')
end, debug.traceback)
if not ok then emit('error ' .. tostring(err)); out:close(); vim.cmd('cquit! 1') end
out:close()
vim.lsp.stop_client(vim.lsp.get_active_clients())
vim.cmd('qall!')
"""


def test_neovim_diagnostics_quick_fix_and_completion(demo: Path, tmp_path: Path):
    nvim = require("nvim", "neovim")
    out = tmp_path / "nvim.out"
    script = tmp_path / "drive.lua"
    values = {"OUT": str(out), "FILE": str(demo / ROUTES), "ROOT": str(demo), "PYTHON": PYTHON}
    script.write_text("".join(f"local {k} = {json.dumps(v)}\n" for k, v in values.items()) + DRIVER)
    lines = run_editor([nvim, "--headless", "-u", "NONE", "-i", "NONE", "-n", "-c", f"luafile {script}"], demo, out)

    assert "diag SSOT001 2 7 2 47" in lines and "diag SSOT-CANON 5 63 5 79" in lines
    assert f"line3 import {CANONICAL}" in lines
    assert f"line20     return {CANONICAL}.WebSocketManager()" in lines
    completions = [line.split()[1:] for line in lines if line.startswith("completion ")]
    assert completions[0] == ["WebSocketManager", "false"]
    deprecated = [index for index, (_, flag) in enumerate(completions) if flag == "true"]
    canonical = [index for index, (word, _) in enumerate(completions) if word == "WebSocketManagerMode"]
    assert deprecated and canonical and max(canonical) < min(deprecated)
    assert "WebSocketNotifier" in {completions[i][0] for i in deprecated}
