"""`check --format sarif`: valid SARIF 2.1.0 with rule metadata and fixes (SPEC §6)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

from ssot_lsp.render import sarif
from tests.conftest import DEMO, REPO

SCHEMA = json.loads((REPO / "tests/data/sarif-schema-2.1.0.json").read_text(encoding="utf-8"))


def validate(log: dict) -> None:
    jsonschema.Draft4Validator.check_schema(SCHEMA)
    jsonschema.Draft4Validator(SCHEMA).validate(log)


@pytest.fixture(scope="module")
def demo_log() -> dict:
    result = subprocess.run([sys.executable, "-m", "ssot_lsp", "check", "--format", "sarif", "."], cwd=DEMO,
                            capture_output=True, text=True, encoding="utf-8", timeout=120)
    assert result.returncode == 1, result.stderr
    return json.loads(result.stdout)


def test_demo_log_is_valid_sarif(demo_log):
    validate(demo_log)
    assert demo_log["version"] == "2.1.0"


def test_rules_and_results(demo_log):
    run = demo_log["runs"][0]
    assert run["columnKind"] == "unicodeCodePoints"
    rules = run["tool"]["driver"]["rules"]
    ids = [rule["id"] for rule in rules]
    assert set(ids) == {"SSOT001", "SSOT002", "SSOT003", "SSOT004", "SSOT005", "SSOT-CANON"}
    levels = {rule["id"]: rule["defaultConfiguration"]["level"] for rule in rules}
    assert levels["SSOT001"] == "error" and levels["SSOT004"] == "warning"
    results = run["results"]
    assert len(results) == 31
    for result in results:
        assert ids[result["ruleIndex"]] == result["ruleId"]
        assert result["level"] in ("error", "warning", "note")
    fingerprints = [result["partialFingerprints"]["ssotLsp/v1"] for result in results]
    assert len(set(fingerprints)) == len(results)


def test_columns_are_code_points(demo_log):
    # bom_routes.py line 7: "héllo 👋" precedes the callee; in code points it starts at 37
    # (UTF-16 would say 38: the emoji is a surrogate pair).
    results = demo_log["runs"][0]["results"]
    region = next(r["locations"][0]["physicalLocation"]["region"] for r in results
                  if r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].endswith("bom_routes.py"))
    assert region == {"startLine": 7, "startColumn": 37, "endLine": 7, "endColumn": 58}


def test_artifact_uris_are_relative_to_srcroot(demo_log):
    run = demo_log["runs"][0]
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"] == DEMO.as_uri() + "/"
    location = run["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert location["uriBaseId"] == "%SRCROOT%" and not location["uri"].startswith("/")


def test_automatic_fixes_become_sarif_fixes(tmp_path: Path, monkeypatch):
    """The fixer's edits map to replacements: 1-based, end-exclusive code-point regions.

    The check's results carry the fixes; the renderer only converts them (it reads no file).
    """
    from ssot_lsp.batch import Details, check_file
    from ssot_lsp.configs import ConfigStore

    (tmp_path / "ssot.toml").write_text(
        '[[rules]]\nid = "R1"\nkind = "module"\nname = "pkg.old"\nreplace = "pkg.new"\n', encoding="utf-8")
    source = tmp_path / "app.py"
    source.write_text("# é\nfrom pkg.old import thing\n", encoding="utf-8")

    monkeypatch.chdir(tmp_path)
    checked = check_file(ConfigStore(), source, fixes=True)
    details = Details()
    details.add("app.py", checked)
    source.unlink()  # nothing is read again to render
    log = sarif.sarif_log([("app.py", v) for v in checked.violations], details)
    validate(log)
    (result,) = log["runs"][0]["results"]
    (fix,) = result["fixes"]
    (change,) = fix["artifactChanges"]
    assert change["artifactLocation"] == {"uri": "app.py", "uriBaseId": "%SRCROOT%"}
    assert change["replacements"] == [{
        "deletedRegion": {"startLine": 2, "startColumn": 6, "endLine": 2, "endColumn": 13},
        "insertedContent": {"text": "pkg.new"},
    }]
    assert fix["description"]["text"] == "Import from 'pkg.new' instead"


def test_demo_fixes_when_the_fix_engine_is_installed(demo_log):
    pytest.importorskip("ssot_lsp.fixer")
    results = demo_log["runs"][0]["results"]
    with_fix = [r for r in results if r.get("fixes")]
    assert with_fix, "automatic fixes should be carried as SARIF fixes"
    assert all(r["properties"]["fix"] == "auto" for r in with_fix)
