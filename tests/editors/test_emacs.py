"""Emacs 28 + eglot 1.9 in batch mode: diagnostics, a quick fix applied by eglot, completion order."""

from __future__ import annotations

import json
from pathlib import Path

from .conftest import CANONICAL, PYTHON, ROUTES, require, run_editor

DRIVER = r"""
(setq package-directory-list (cons "/usr/share/emacs/site-lisp/elpa" package-directory-list))
(package-initialize)
(require 'eglot)
(require 'flymake)
(require 'python)
(defvar ssot-results nil)
(defun ssot-emit (line)
  (push line ssot-results)
  (with-temp-file ssot-out (insert (mapconcat #'identity (reverse ssot-results) "\n") "\n")))
(add-hook 'kill-emacs-hook (lambda () (ignore-errors (ssot-emit "exit"))))
(setq eglot-sync-connect t
      eglot-confirm-server-initiated-edits nil
      eglot-autoreconnect nil)
(defun ssot-wait (predicate seconds)
  (let ((deadline (+ (float-time) seconds)))
    (while (and (not (funcall predicate)) (< (float-time) deadline))
      (accept-process-output nil 0.05))
    (funcall predicate)))
(condition-case err
    (progn
      (find-file ssot-file)
      (python-mode)
      (eglot (list major-mode) (cons 'transient ssot-root) 'eglot-lsp-server
             (list ssot-python "-m" "ssot_lsp") "python")
      (flymake-start)
      (unless (ssot-wait (lambda () (>= (length (flymake-diagnostics)) 6)) 60)
        (error "no diagnostics arrived"))
      (dolist (d (flymake-diagnostics))
        (let ((beg (flymake-diagnostic-beg d)) (end (flymake-diagnostic-end d)))
          (ssot-emit (format "diag %d %d %d %s" (1- (line-number-at-pos beg))
                             (save-excursion (goto-char beg) (current-column))
                             (save-excursion (goto-char end) (current-column))
                             (flymake-diagnostic-text d)))))
      (goto-char (point-min))
      (forward-line 2)
      (forward-char 10)
      (let* ((server (eglot--current-server-or-lose))
             (actions (eglot-code-actions (line-beginning-position) (line-end-position) "quickfix"))
             (preferred (cl-remove-if-not (lambda (a) (plist-get a :isPreferred)) actions)))
        (unless preferred (error "no preferred quick fix"))
        (ssot-emit (concat "action " (plist-get (car preferred) :title)))
        (eglot--read-execute-code-action preferred server "quickfix"))
      (goto-char (point-min))
      (forward-line 2)
      (ssot-emit (concat "line3 " (buffer-substring (line-beginning-position) (line-end-position))))
      (goto-char (point-max))
      (insert "\n\ndef fresh():\n    return Web")
      (save-buffer)
      (let* ((capf (eglot-completion-at-point))
             (beg (nth 0 capf)) (end (nth 1 capf)) (table (nth 2 capf))
             (prefix (buffer-substring-no-properties beg end))
             (sorter (completion-metadata-get (completion-metadata prefix table nil) 'display-sort-function))
             (words (all-completions prefix table)))
        (dolist (word (if sorter (funcall sorter words) words))
          (ssot-emit (concat "completion " (substring-no-properties word)))))
      (ssot-emit "ok")
      (kill-emacs 0))
  (error (ssot-emit (format "error %S" err)) (kill-emacs 1)))
"""


def test_emacs_eglot_diagnostics_quick_fix_and_completion(demo: Path, tmp_path: Path):
    emacs = require("emacs", "emacs-nox elpa-eglot")
    out = tmp_path / "emacs.out"
    script = tmp_path / "drive.el"
    values = {"ssot-out": str(out), "ssot-file": str(demo / ROUTES), "ssot-root": str(demo) + "/",
              "ssot-python": PYTHON}
    script.write_text("".join(f"(defvar {k} {json.dumps(v)})\n" for k, v in values.items()) + DRIVER)
    lines = run_editor([emacs, "--batch", "-Q", "-l", str(script)], demo, out)

    diagnostics = [line for line in lines if line.startswith("diag ")]
    assert any(line.startswith("diag 2 7 47 ") and "factory module is deprecated" in line for line in diagnostics)
    assert any(line.startswith("diag 5 63 79 ") for line in diagnostics)
    assert f"line3 import {CANONICAL}" in lines
    completions = [line.split()[1] for line in lines if line.startswith("completion ")]
    assert completions[0] == "WebSocketManager"
    assert completions.index("WebSocketManagerMode") < completions.index("WebSocketNotifier")
    assert completions[-1] == "WebSocketNotifier"
