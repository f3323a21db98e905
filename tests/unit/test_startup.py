"""Start-up: the collector is paused during the imports and back on, with the survivors frozen, after."""

from __future__ import annotations

import json
import os
import subprocess
import sys

PROBE = """
import gc, json
from ssot_lsp.lsp import startup
facts = {"before": gc.isenabled()}
if PREPARE:
    startup.prepare()
facts["prepared"] = gc.isenabled()
import ssot_lsp.lsp.server
cycle = []
cycle.append(cycle)  # garbage made while the collector is off
del cycle
startup.settle()
startup.settle()
facts.update(settled=gc.isenabled(), frozen=gc.get_freeze_count(), garbage=gc.collect())
print(json.dumps(facts))
"""


def run(prepare: bool) -> dict:
    code = PROBE.replace("PREPARE", str(prepare))
    env = {**os.environ, "SSOT_LSP_CODE_CACHE": "0"}
    return json.loads(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env,
                                     check=True).stdout)


def test_the_collector_pauses_for_the_imports_and_resumes_with_the_survivors_frozen():
    facts = run(prepare=True)
    assert facts["before"] and not facts["prepared"] and facts["settled"]
    assert facts["frozen"] > 10_000 and facts["garbage"] == 0


def test_without_prepare_the_collector_is_left_alone():
    facts = run(prepare=False)
    assert facts["prepared"] and facts["settled"] and facts["frozen"] == 0


# What the first diagnostics do not need: the batch runner (with multiprocessing), fixing on
# files, inference's command, the report renderers, jedi and parso (a helper process's), and
# what is only needed later (ctypes for malloc_trim, tempfile for writing the code cache).
NOT_BEFORE_FIRST_DIAGNOSTICS = ("ssot_lsp.cli_fix", "ssot_lsp.runner", "ssot_lsp.infer.command", "ssot_lsp.render",
                                "multiprocessing", "concurrent.futures.process", "ctypes", "tempfile", "jedi", "parso")


def test_the_server_imports_nothing_its_first_diagnostics_do_not_need():
    from tests.reliability.jsonrpc import PROBE_CODES, PROBE_PATH, PROBE_TEXT, RawServer

    # No code cache: writing it (after the first diagnostics) would import tempfile meanwhile.
    server = RawServer(python_args=("-X", "importtime"), env={"SSOT_LSP_CODE_CACHE": "0"})
    try:
        server.initialize()
        uri = server.open(PROBE_PATH, PROBE_TEXT)
        codes = sorted({d["code"] for d in server.published(uri, 1)["diagnostics"]})
        # The imports so far: `-X importtime` writes each to stderr (unbuffered) as it happens,
        # so every import made before the diagnostics were sent is in the file now. What the
        # server does after them (memory returned to the system: ctypes) may or may not be.
        log = server.stderr_text()
        assert server.shutdown_and_exit() == 0
    finally:
        server.close()
    assert codes == PROBE_CODES
    imported = {line.rsplit("|", 1)[1].strip() for line in log.splitlines()
                if line.startswith("import time:") and line.count("|") == 2}
    assert {"lsprotocol.types", "ssot_lsp.engine"} <= imported  # the log covers the server's imports
    unneeded = sorted(name for name in imported
                      if any(name == prefix or name.startswith(prefix + ".") for prefix in NOT_BEFORE_FIRST_DIAGNOSTICS))
    assert unneeded == []


def test_the_package_imports_its_engine_on_first_use():
    code = ("import sys, ssot_lsp; before = 'ssot_lsp.engine' in sys.modules; "
            "from ssot_lsp import check; print(before, check is sys.modules['ssot_lsp.engine'].check)")
    output = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert output.split() == ["False", "True"]
