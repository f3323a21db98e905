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
