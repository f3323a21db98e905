"""Time `ssot-lsp report --history` cold, from the cache, and after one more commit.

    python3 benchmarks/history.py [--files 300] [--commits 20]

Builds a git repository under benchmarks/.work/history/ (ignored by git): FILES modules
importing a deprecated module, migrated a few files per commit, then runs the history three
times with a private cache folder: cold, again (everything cached), and after one more
commit that edits one module.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import subprocess
import sys
import time
from pathlib import Path

WORK = Path(__file__).resolve().parent / ".work" / "history"
CONFIG = """\
canonical-modules = ["pkg.new"]

[[rules]]
id = "OLD001"
kind = "module"
name = "pkg.old"
replace = "pkg.new"
"""
MODULE = "from pkg.{source} import thing\nfrom pkg.new import other\n" + "".join(
    f"\n\ndef run_{{index}}_{number}(value):\n    total = thing() + other() + value\n    return [total] * {number}\n"
    for number in range(40))  # about 200 lines


def git(*args: str) -> None:
    subprocess.run(["git", "-c", "user.name=b", "-c", "user.email=b@example.com", *args], cwd=WORK, check=True,
                   capture_output=True)


def timed(env: dict, *args: str) -> tuple[float, str]:
    start = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "ssot_lsp", "report", "--history", "--format", "json", *args],
                            cwd=WORK, env=env, capture_output=True, text=True, check=True)
    return time.perf_counter() - start, result.stderr.strip().splitlines()[-1]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--files", type=int, default=300)
    parser.add_argument("--commits", type=int, default=20)
    options = parser.parse_args()
    shutil.rmtree(WORK, ignore_errors=True)
    (WORK / "pkg").mkdir(parents=True)
    (WORK / "ssot.toml").write_text(CONFIG)
    (WORK / "pkg/__init__.py").write_text("")
    (WORK / "pkg/new.py").write_text("def thing():\n    return 1\n\n\ndef other():\n    return 2\n")
    (WORK / "pkg/old.py").write_text("def thing():\n    return 1\n")
    (WORK / "app").mkdir()
    (WORK / "app/__init__.py").write_text("")
    for index in range(options.files):
        (WORK / f"app/m{index}.py").write_text(MODULE.format(source="old", index=index))
    git("init", "-q")
    git("add", "-A")
    git("commit", "-qm", "start")
    per_commit = max(1, options.files // (options.commits * 2))
    for commit in range(options.commits - 1):
        for index in range(commit * per_commit, (commit + 1) * per_commit):
            (WORK / f"app/m{index}.py").write_text(MODULE.format(source="new", index=index))
        git("commit", "-qam", f"migrate {commit}")
    env = {**os.environ, "SSOT_LSP_CACHE_DIR": str(WORK.parent / "history-cache")}
    shutil.rmtree(env["SSOT_LSP_CACHE_DIR"], ignore_errors=True)
    cold = timed(env)
    warm = timed(env)
    (WORK / "app/m0.py").write_text(MODULE.format(source="old", index=0) + "# one more\n")
    git("commit", "-qam", "one more")
    one_more = timed(env)
    print(f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    print(f"{options.files + 4} files, {options.commits} commits")
    for label, (seconds, line) in (("cold", cold), ("cached", warm), ("one more commit", one_more)):
        print(f"{label:16} {seconds:6.2f} s   {line}")


if __name__ == "__main__":
    main()
