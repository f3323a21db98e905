"""ruff's command-line spellings (SPEC §6): what a ruff user types works the same way here."""

from __future__ import annotations

import argparse
import json
import re
import sys

import pytest

from ssot_lsp.cli import build_parser
from ssot_lsp.model import FIX_AUTO, FIX_MANUAL, FIX_UNSAFE, Span, Violation
from ssot_lsp.render.text import Style, render_text, summary

TWO = "import oldmod\nimport lib\n\ny = lib.get_manager()\n"


def _is_fixed(text: str) -> bool:
    """Both violations of TWO rewritten (the exact layout is the fix engine's business; the module
    fix keeps the local name, `import newmod as oldmod`, SPEC §12)."""
    compile(text, "a.py", "exec")
    return "import newmod" in text and "import oldmod" not in text and "create_manager()" in text \
        and "get_manager" not in text


# -- text output ------------------------------------------------------------------------
def test_text_marks_fixable_violations_and_says_how_many(project, ssot):
    folder = project({"a.py": TWO})
    ran = ssot(folder, "check")
    assert ran.code == 1
    assert ran.out.splitlines() == [
        "a.py:1:8: OLD001 [*] Module 'oldmod' is deprecated; import from 'newmod' instead",
        "a.py:4:5: OLD002 [*] Call of deprecated 'lib.get_manager'; use 'lib.create_manager(...)' instead",
        "Found 2 violations in 1 file (1 checked).",
        "[*] 2 fixable with `ssot-lsp fix`; 0 need manual arguments.",
    ]


def _violation(fix):
    return Violation("R1", "call", Span(0, 0, 0, 3), "old() is deprecated", "warning", "new", fix)


def test_unsafe_fixes_are_counted_apart_and_marked_only_when_asked_for(capsys):
    found = [("a.py", _violation(FIX_AUTO)), ("a.py", _violation(FIX_UNSAFE)), ("b.py", _violation(FIX_MANUAL))]
    assert summary(found, 2, False, Style(False)).splitlines()[1] == \
        "[*] 1 fixable with `ssot-lsp fix` (1 more with `--unsafe-fixes`); 1 needs manual arguments."
    assert summary(found, 2, True, Style(False)).splitlines()[1] == \
        "[*] 2 fixable with `ssot-lsp fix --unsafe-fixes`; 1 needs manual arguments."
    render_text(found, argparse.Namespace(unsafe_fixes=False, output_format="text", quiet=True, no_color=True), 2)
    assert [line.split(" ")[2] for line in capsys.readouterr().out.splitlines()] == ["[*]", "old()", "old()"]
    render_text(found, argparse.Namespace(unsafe_fixes=True, output_format="text", quiet=True, no_color=True), 2)
    assert [line.split(" ")[2] for line in capsys.readouterr().out.splitlines()] == ["[*]", "[*]", "old()"]


def test_full_output_shows_the_line_and_underlines_the_span(project, ssot):
    folder = project({"a.py": TWO})
    lines = ssot(folder, "check", "--output-format", "full").out.splitlines()
    assert lines[:5] == [
        "a.py:1:8: OLD001 [*] Module 'oldmod' is deprecated; import from 'newmod' instead",
        "  |",
        "1 | import oldmod",
        "  |        ^^^^^^",
        "  = help: use newmod",
    ]


def test_concise_is_text_and_format_is_an_alias_of_output_format(project, ssot):
    folder = project({"a.py": TWO})
    assert ssot(folder, "check", "--output-format", "concise").out == ssot(folder, "check", "--format", "text").out


@pytest.mark.parametrize("environment, option, coloured", [
    ({"FORCE_COLOR": "1"}, [], True),
    ({"FORCE_COLOR": "1"}, ["--no-color"], False),
    ({"FORCE_COLOR": "1", "NO_COLOR": "1"}, [], False),
    ({}, [], False),  # not a terminal
])
def test_colours_only_when_wanted(environment, option, coloured, project, monkeypatch, capsys):
    from ssot_lsp.cli import main

    folder = project({"a.py": TWO})
    monkeypatch.chdir(folder)
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    main(["check", *option])
    assert ("\x1b[" in capsys.readouterr().out) is coloured


def test_statistics_alone_prints_a_table_with_a_header_and_rule_text(project, ssot):
    folder = project({"a.py": TWO, "b.py": "import oldmod\n"})
    ran = ssot(folder, "check", "--statistics")
    assert ran.code == 1
    assert [re.split(r"\s{2,}", line.strip()) for line in ran.out.splitlines()] == [
        ["count", "code", "fixable", "message"],
        ["2", "OLD001", "[*]", "deprecated module oldmod; use newmod"],
        ["1", "OLD002", "[*]", "deprecated call lib.get_manager; use lib.create_manager"],
    ]
    rows = json.loads(ssot(folder, "check", "--statistics", "--output-format", "json").out)
    assert rows[0] == {"code": "OLD001", "count": 2, "fixable": 2, "message": "deprecated module oldmod; use newmod"}


def test_quiet_silent_and_output_file(project, ssot):
    folder = project({"a.py": TWO})
    quiet = ssot(folder, "check", "-q")
    assert quiet.code == 1 and len(quiet.out.splitlines()) == 2 and "Found" not in quiet.out
    silent = ssot(folder, "check", "-s")
    assert (silent.code, silent.out, silent.err) == (1, "", "")
    written = ssot(folder, "check", "--output-format", "json", "--output-file", "out.json")
    assert written.code == 1 and written.out == ""
    assert [r["code"] for r in json.loads((folder / "out.json").read_text())] == ["OLD001", "OLD002"]


# -- machine formats ---------------------------------------------------------------------
def test_json_lines_is_one_record_per_line_equal_to_json(project, ssot):
    folder = project({"a.py": TWO})
    records = [json.loads(line) for line in ssot(folder, "check", "--output-format", "json-lines").out.splitlines()]
    assert records == json.loads(ssot(folder, "check", "--output-format", "json").out)


def test_junit_reads_back_with_a_junit_reader(project, ssot):
    import junitparser

    folder = project({"a.py": TWO, "b.py": "import oldmod\n", "c.py": "x = 1\n"})
    xml = junitparser.JUnitXml.fromstring(ssot(folder, "check", "--output-format", "junit").out)
    suites = {suite.name: suite for suite in xml}
    assert set(suites) == {"a.py", "b.py"}
    assert suites["a.py"].tests == 2 and suites["a.py"].failures == 2
    cases = [case for case in suites["a.py"]]
    assert [case.name for case in cases] == ["OLD001 a.py:1:8", "OLD002 a.py:4:5"]
    assert isinstance(cases[0].result[0], junitparser.Failure) and cases[0].result[0].type == "OLD001"
    clean = project({"a.py": "x = 1\n", "b.py": "x = 2\n"})
    xml = junitparser.JUnitXml.fromstring(ssot(clean, "check", "--output-format", "junit").out)
    cases = [case for suite in xml for case in suite]
    assert len(cases) == 1 and cases[0].is_passed


# GitLab Code Quality report: the fields GitLab's documentation lists as required.
GITLAB_SCHEMA = {
    "type": "array",
    "items": {
        "type": "object",
        "required": ["description", "check_name", "fingerprint", "severity", "location"],
        "properties": {
            "description": {"type": "string"},
            "check_name": {"type": "string"},
            "fingerprint": {"type": "string", "minLength": 1},
            "severity": {"enum": ["info", "minor", "major", "critical", "blocker"]},
            "location": {
                "type": "object",
                "required": ["path", "lines"],
                "properties": {
                    "path": {"type": "string"},
                    "lines": {"type": "object", "required": ["begin"],
                              "properties": {"begin": {"type": "integer", "minimum": 1}}},
                },
            },
        },
    },
}


def test_gitlab_code_quality_matches_the_report_format(project, ssot):
    import jsonschema

    folder = project({"a.py": TWO, "b.py": "import oldmod\n"})
    issues = json.loads(ssot(folder, "check", "--output-format", "gitlab").out)
    jsonschema.validate(issues, GITLAB_SCHEMA)
    assert [(i["location"]["path"], i["location"]["lines"]["begin"], i["check_name"]) for i in issues] == [
        ("a.py", 1, "OLD001"), ("a.py", 4, "OLD002"), ("b.py", 1, "OLD001")]
    assert len({i["fingerprint"] for i in issues}) == 3
    (folder / "a.py").write_text("# a new first line\n" + TWO)  # fingerprints survive edits above
    moved = json.loads(ssot(folder, "check", "--output-format", "gitlab").out)
    assert [i["fingerprint"] for i in moved] == [i["fingerprint"] for i in issues]


def test_pylint_format(project, ssot):
    folder = project({"a.py": TWO})
    assert ssot(folder, "check", "--output-format", "pylint").out.splitlines() == [
        "a.py:1: [OLD001] Module 'oldmod' is deprecated; import from 'newmod' instead",
        "a.py:4: [OLD002] Call of deprecated 'lib.get_manager'; use 'lib.create_manager(...)' instead",
    ]


# -- fixing ------------------------------------------------------------------------------
def test_check_fix_fixes_and_reports_what_remains(project, ssot):
    folder = project({"a.py": TWO, "b.py": "import lib\n\nfrom oldmod import *\n"})
    ran = ssot(folder, "check", "--fix")
    assert _is_fixed((folder / "a.py").read_text())
    assert ran.code == 1  # the star import is flag-only
    assert ran.out.splitlines()[0].startswith("b.py:3:6: OLD001 Module 'oldmod'")
    assert "Fixed 2 violations in 1 file" in ran.err


def test_exit_non_zero_on_fix(project, ssot):
    folder = project({"a.py": TWO})
    assert ssot(folder, "check", "--fix").code == 0
    project({"a.py": TWO})
    assert ssot(folder, "check", "--fix", "--exit-non-zero-on-fix").code == 1
    assert _is_fixed((folder / "a.py").read_text())
    assert ssot(folder, "check", "--fix", "--exit-non-zero-on-fix").code == 0  # nothing left to fix


def test_check_diff_prints_the_diff_writes_nothing_and_fails_when_there_is_work(project, ssot):
    folder = project({"a.py": TWO})
    ran = ssot(folder, "check", "--diff")
    assert ran.code == 1
    assert ran.out.startswith("--- a/a.py\n+++ b/a.py\n")
    assert "+import newmod" in ran.out and "+y = lib.create_manager()" in ran.out
    assert (folder / "a.py").read_text() == TWO
    project({"a.py": "import newmod\n"})
    assert ssot(folder, "check", "--diff").code == 0


@pytest.mark.parametrize("argv", [["fix"], ["fix", "--unsafe-fixes"], ["check", "--fix", "--unsafe-fixes"],
                                  ["check", "--diff"]])
def test_unsafe_fixes_reach_the_fix_engine_only_when_asked_for(argv, project, ssot, monkeypatch):
    import ssot_lsp.fix_files as fix_files

    seen = []
    real = fix_files.fix_file

    def spy(store, item):
        seen.append(item[-1])
        return real(store, item)

    monkeypatch.setattr(fix_files, "fix_file", spy)
    folder = project({"a.py": TWO})
    ssot(folder, *argv)
    assert seen == ["--unsafe-fixes" in argv]


def test_fix_diff_names_sites_left_with_their_lines_on_disk(project, ssot):
    config = ('[[rules]]\nid = "C1"\nkind = "call"\nname = "lib.get_manager"\n'
              'replace = ["create(user={user_id})"]\nimports = ["from lib2 import create"]\n')
    text = "import os\nfrom lib import get_manager\n\na = get_manager()\n\n\ndef f(user_id):\n    return get_manager()\n"
    folder = project({"m.py": text}, config=config)
    ran = ssot(folder, "fix", "--diff")
    assert "+from lib2 import create" in ran.out  # the fix adds a line above the manual site
    assert "m.py:4:5: C1 needs manual arguments" in ran.out
    assert (folder / "m.py").read_text() == text
    written = ssot(folder, "fix")
    assert "m.py:5:5: C1 needs manual arguments" in written.out  # the file on disk now has it on line 5


def test_line_on_disk_reads_the_diff():
    from ssot_lsp.cli_fix import line_on_disk
    from ssot_lsp.fix_files import unified_diff

    old = "".join(f"line {n}\n" for n in range(30))
    new = old.replace("line 2\n", "line 2\ninserted\n").replace("line 20\n", "").replace("line 25\n", "changed\n")
    diff = unified_diff(old, new, "x.py")
    new_lines, old_lines = new.splitlines(), old.splitlines()
    for number, text in enumerate(new_lines):
        if text.startswith("line"):
            assert old_lines[line_on_disk(diff, number)] == text
    assert line_on_disk(diff, new_lines.index("inserted")) == 3  # the line it was inserted before
    assert line_on_disk(diff, new_lines.index("changed")) == 25  # the line it replaces
    assert line_on_disk("", 7) == 7


# -- standard input --------------------------------------------------------------------
def test_check_reads_standard_input_as_the_named_file(project, ssot):
    folder = project({"pkg/a.py": "x = 1\n"})
    ran = ssot(folder, "check", "--stdin-filename", "pkg/a.py", "-", stdin=TWO.encode())
    assert ran.code == 1
    assert ran.out.splitlines()[0] == "pkg/a.py:1:8: OLD001 [*] Module 'oldmod' is deprecated; import from 'newmod' instead"
    assert (folder / "pkg" / "a.py").read_text() == "x = 1\n"
    records = json.loads(ssot(folder, "check", "--format", "json", "--stdin-filename", "pkg/a.py",
                              stdin=TWO.encode()).out)
    assert [r["file"] for r in records] == ["pkg/a.py", "pkg/a.py"]


def test_fix_on_standard_input_prints_the_fixed_text(project, ssot):
    folder = project({})
    ran = ssot(folder, "fix", "--stdin-filename", "a.py", "-", stdin=TWO.encode())
    assert ran.code == 0 and _is_fixed(ran.out)
    assert not (folder / "a.py").exists()
    again = ssot(folder, "check", "--fix", "--stdin-filename", "a.py", "-", stdin=TWO.encode())
    assert (again.code, again.out) == (0, ran.out)


def test_standard_input_of_an_excluded_file_passes_through(project, ssot):
    from .conftest import MODULE_RULES

    folder = project({}, config='exclude = ["gen/"]\n' + MODULE_RULES)
    ran = ssot(folder, "fix", "--stdin-filename", "gen/a.py", "-", stdin=TWO.encode())
    assert (ran.code, ran.out) == (0, TWO)
    assert "gen/a.py: not checked: excluded" in ran.err
    checked = ssot(folder, "check", "--stdin-filename", "gen/a.py", "-", stdin=TWO.encode())
    assert checked.code == 0 and "0 files checked" in checked.out


def test_standard_input_without_configuration_exits_2(project, ssot):
    folder = project({}, config=None)
    ran = ssot(folder, "check", "--stdin-filename", "a.py", "-", stdin=TWO.encode())
    assert ran.code == 2 and "no ssot-lsp configuration found for a.py" in ran.err


# -- selection of files ------------------------------------------------------------------
@pytest.mark.parametrize("option", ["--exclude", "--extend-exclude"])
def test_exclude_on_the_command_line_adds_to_the_configuration(option, project, ssot):
    from .conftest import MODULE_RULES

    folder = project({"a.py": TWO, "gen/b.py": TWO, "build/c.py": TWO}, config='exclude = ["build/"]\n' + MODULE_RULES)
    ran = ssot(folder, "check", "--format", "json", option, "gen/")
    assert {r["file"] for r in json.loads(ran.out)} == {"a.py"}
    ran = ssot(folder, "check", "gen/b.py", option, "gen/")
    assert ran.code == 0 and "gen/b.py: not checked: excluded" in ran.err


# -- --add-noqa ----------------------------------------------------------------------------
def test_add_noqa_silences_every_current_violation(project, ssot):
    text = ('import oldmod\nimport lib\nx = lib.get_manager(1)\n'
            'y = (\n    lib.get_manager()\n)\nz = lib.get_manager()  # keep\n')
    folder = project({"a.py": text})
    ran = ssot(folder, "check", "--add-noqa")
    assert ran.code == 0 and ran.out == "Added 4 suppression comments to 1 file.\n"
    assert (folder / "a.py").read_text() == (
        'import oldmod  # ssot: ignore[OLD001]\nimport lib\nx = lib.get_manager(1)  # ssot: ignore[OLD002]\n'
        'y = (\n    lib.get_manager()  # ssot: ignore[OLD002]\n)\nz = lib.get_manager()  # keep  # ssot: ignore[OLD002]\n')
    assert ssot(folder, "check").code == 0
    assert ssot(folder, "check", "--add-noqa").out == "Added 0 suppression comments to 0 files.\n"


def test_add_noqa_says_which_violations_no_comment_can_reach(project, ssot):
    text = 'import lib\nx = lib.get_manager("""\n text\n""")\n'
    folder = project({"a.py": text})
    ran = ssot(folder, "check", "--add-noqa")
    assert ran.code == 1
    assert "a.py:2:5: OLD002 not silenced: no line of the statement can carry a comment" in ran.err
    assert (folder / "a.py").read_text() == text


# -- help and messages ---------------------------------------------------------------------
def _all_help() -> str:
    parser = build_parser()
    texts = [parser.format_help()]
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            texts += [sub.format_help() for sub in action.choices.values()]
    return "\n".join(texts)


def test_help_speaks_to_users():
    text = _all_help()
    assert "SPEC" not in text and "§" not in text
    for flag in ("--fix", "--diff", "--unsafe-fixes", "--output-format", "--statistics", "--quiet", "--silent",
                 "--output-file", "--exit-non-zero-on-fix", "--stdin-filename", "--exclude", "--extend-exclude",
                 "--add-noqa"):
        assert flag in text, flag


def test_the_install_hint_works_in_every_shell(monkeypatch, capsys):
    """The server's libraries are ssot-lsp's own dependencies: the hint reinstalls it, with no glob
    characters (`[lsp]` unquoted is a pattern in zsh)."""
    from ssot_lsp.cli import main

    monkeypatch.setitem(sys.modules, "ssot_lsp.lsp.startup", None)  # as if a server library were missing
    assert main(["serve"]) == 2
    hint = capsys.readouterr().err
    command = hint.split("`")[1]
    assert command.endswith("-m pip install --force-reinstall ssot-lsp")
    assert not set("[]*?") & set(command)


def test_fix_counts_the_unsafe_fixes_it_left_for_unsafe_fixes(project, ssot, monkeypatch):
    import ssot_lsp.fix_files as fix_files

    def left_unsafe(store, item):
        return fix_files.FileFix(str(item[0]), remaining=[_violation(FIX_UNSAFE)])

    monkeypatch.setattr(fix_files, "fix_file", left_unsafe)
    folder = project({"a.py": TWO})
    ran = ssot(folder, "fix")
    assert ran.code == 1
    assert "0 skipped, 1 more with --unsafe-fixes, 0 files with errors, 1 violation left." in ran.err


def test_statistics_marks_rules_with_some_fixable_violations(project, ssot):
    folder = project({"a.py": "import lib\nlib.get_manager()\nlib.get_manager(1)\n"})
    rows = [re.split(r"\s{2,}", line.strip()) for line in ssot(folder, "check", "--statistics").out.splitlines()]
    assert rows[1][:3] == ["2", "OLD002", "[-]"]  # the call with an argument has no applicable template
