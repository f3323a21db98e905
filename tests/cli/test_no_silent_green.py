"""No silent green (SPEC §6): what a run did not check is an error or is said, never a pass."""

from __future__ import annotations

import json
import os

import pytest

from .conftest import MODULE_RULES

UNDECODABLE = b'# -*- coding: utf-8 -*-\nx = "\xff\xfe"\n'
FLAGGED = "import oldmod\n"


def _codes_by_format(out: str, fmt: str) -> list[str]:
    """The codes a format reports, read back the way its consumers read it."""
    if fmt in ("json", "gitlab"):
        key = "code" if fmt == "json" else "check_name"
        return [record[key] for record in json.loads(out)]
    if fmt == "json-lines":
        return [json.loads(line)["code"] for line in out.splitlines()]
    if fmt == "sarif":
        return [result["ruleId"] for result in json.loads(out)["runs"][0]["results"]]
    if fmt == "junit":
        import junitparser

        xml = junitparser.JUnitXml.fromstring(out)
        return [result.type for suite in xml for case in suite for result in case.result]
    return [code for code in ("SSOT-E902", "OLD001") if code in out]


@pytest.mark.parametrize("fmt", ["text", "full", "json", "json-lines", "junit", "gitlab", "pylint", "sarif", "github"])
def test_an_undecodable_file_is_an_error_entry_in_every_format(fmt, project, ssot) -> None:
    folder = project({"bad.py": UNDECODABLE, "good.py": "x = 1\n"})
    ran = ssot(folder, "check", "--output-format", fmt)
    assert ran.code == 1
    assert _codes_by_format(ran.out, fmt) == ["SSOT-E902"]
    assert "bad.py" in ran.out


def test_a_file_that_cannot_be_read_is_an_error_and_not_counted_as_checked(project, ssot) -> None:
    folder = project({"good.py": FLAGGED})
    os.symlink(folder / "missing.py", folder / "dangling.py")
    ran = ssot(folder, "check")
    assert ran.code == 1
    assert "dangling.py:1:1: SSOT-E902 cannot read the file:" in ran.out
    assert "(1 checked); 1 file could not be read." in ran.out


def test_an_undecodable_file_alone_still_fails(project, ssot) -> None:
    folder = project({"bad.py": UNDECODABLE})
    ran = ssot(folder, "check", "--format", "json")
    assert ran.code == 1
    [record] = json.loads(ran.out)
    assert record["code"] == "SSOT-E902" and record["severity"] == "error" and record["fix"] is None
    assert (record["line"], record["column"]) == (1, 1)


def test_no_governed_file_exits_2_naming_where_it_looked(project, ssot) -> None:
    folder = project({"a.py": FLAGGED}, config=None)
    (folder / "pyproject.toml").write_text("[tool.ssot_lsp]\nscope = []\n")
    ran = ssot(folder, "check")
    assert ran.code == 2
    assert ran.out == ""
    assert f"no ssot-lsp configuration found for .: looked for ssot.toml, or pyproject.toml with a " \
           f"[tool.ssot-lsp] table, in {folder} and every folder above it" in ran.err
    assert "has [tool.ssot_lsp]; the table ssot-lsp reads is [tool.ssot-lsp]" in ran.err


@pytest.mark.parametrize("command", ["report", "baseline", "fix"])
def test_every_batch_command_refuses_a_run_without_configuration(command, project, ssot) -> None:
    folder = project({"a.py": FLAGGED}, config=None)
    ran = ssot(folder, command)
    assert ran.code == 2 and "no ssot-lsp configuration found for ." in ran.err


def test_ungoverned_files_next_to_governed_ones_are_said(project, ssot) -> None:
    folder = project({"app/a.py": FLAGGED}, config=None)
    (folder / "app" / "ssot.toml").write_text('[[rules]]\nid = "OLD001"\nkind = "module"\nname = "oldmod"\n')
    (folder / "script.py").write_text(FLAGGED)
    ran = ssot(folder, "check")
    assert ran.code == 1
    assert "1 Python file not governed by any ssot-lsp configuration, not checked (e.g. script.py)" in ran.err
    assert "(1 checked)" in ran.out


@pytest.mark.parametrize("option", ["--select", "--ignore"])
@pytest.mark.parametrize("command", ["check", "fix", "baseline"])
def test_unknown_codes_in_select_or_ignore_exit_2_naming_the_known_ones(option, command, project, ssot) -> None:
    folder = project({"a.py": FLAGGED})
    ran = ssot(folder, command, option, "OLD001,XYZ")
    assert ran.code == 2
    assert f"error: {option} XYZ: no rule has this id or prefix (known: OLD001, OLD002, SSOT-CANON, SSOT-E902)" \
        in ran.err
    assert ssot(folder, "check", option, "OLD").code in (0, 1)  # a prefix of known ids is fine


@pytest.mark.parametrize("name, reason", [
    ("notes.txt", "not a Python file (.py or .pyi)"),
    ("build/gen.py", "excluded by ssot.toml or the command line"),
])
def test_a_named_file_that_is_not_checked_is_said_and_not_counted(name, reason, project, ssot) -> None:
    folder = project({"a.py": FLAGGED, name: FLAGGED}, config='exclude = ["build/"]\n' + MODULE_RULES)
    ran = ssot(folder, "check", name, "a.py")
    assert f"warning: {name}: not checked: {reason}" in ran.err
    assert "(1 checked)" in ran.out
    only = ssot(folder, "check", name)
    assert only.code == 0 and only.out == "All checks passed (0 files checked).\n"


def test_a_missing_path_names_it_without_placeholders(project, ssot) -> None:
    folder = project({"a.py": FLAGGED})
    ran = ssot(folder, "check", "nonexistent_dir")
    assert ran.code == 2
    assert ran.err == "error: nonexistent_dir: no such file or folder\n"


def test_the_sarif_log_with_an_unreadable_file_is_valid_sarif(project, ssot) -> None:
    import jsonschema

    from tests.conftest import REPO

    folder = project({"bad.py": UNDECODABLE, "a.py": FLAGGED})
    log = json.loads(ssot(folder, "check", "--output-format", "sarif").out)
    schema = json.loads((REPO / "tests/data/sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
    jsonschema.Draft4Validator(schema).validate(log)
    run = log["runs"][0]
    assert [r["ruleId"] for r in run["results"]] == ["OLD001", "SSOT-E902"]
    [descriptor] = [rule for rule in run["tool"]["driver"]["rules"] if rule["id"] == "SSOT-E902"]
    assert descriptor["defaultConfiguration"]["level"] == "error"
    assert descriptor["shortDescription"]["text"] == "A file that could not be read or decoded"


def test_an_undecodable_file_that_mentions_no_rule_is_still_reported(project, ssot) -> None:
    # The batch pre-filter skips files without a registry name; decoding is checked before it.
    folder = project({"bad.py": "x = 'caf\u00e9'\n".encode("latin-1")})
    ran = ssot(folder, "check")
    assert ran.code == 1 and "bad.py:1:1: SSOT-E902" in ran.out


def test_baseline_records_what_it_can_and_fails_on_an_unreadable_file(project, ssot) -> None:
    folder = project({"bad.py": UNDECODABLE, "a.py": FLAGGED})
    ran = ssot(folder, "baseline")
    assert ran.code == 1
    assert "bad.py: error: cannot read the file:" in ran.err
    assert ran.out == "Recorded 1 violation in .ssot-baseline.json.\n"
    assert ssot(folder, "check", "--baseline", ".ssot-baseline.json").code == 1  # the baseline cannot hide it
