"""`ssot-lsp report`: formats, output file and exit codes (SPEC §6, §7, §11)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import DEMO


def ssot(*args: str, cwd: Path = DEMO) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "ssot_lsp", *args], cwd=cwd, capture_output=True,
                          text=True, encoding="utf-8", timeout=120)


def test_json_report_exits_zero_with_violations():
    result = ssot("report", ".", "--format", "json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert {"score", "canonical", "total", "violations", "by_rule", "by_folder", "top_files", "fixes"} <= set(report)
    assert (report["score"], report["canonical"], report["total"]) == (9.1, 2, 22)
    assert report["top_files"][0]["file"] == "netra_backend/app/routes/admin_routes.py"
    assert set(report["by_rule"][0]) >= {"code", "count", "share", "severity", "auto", "manual"}


def test_markdown_is_the_default():
    result = ssot("report")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("# SSOT compliance report")
    assert "**Score: 9.1%** (2 canonical / 22 governed imports; 10 violating)" in result.stdout
    # Which violations the fix engine can rewrite is its business: only the counts are pinned.
    assert re.search(r"^\| SSOT001 \| module \| error \| 9 \| 29\.0% \| \d+ \| 0 \|$", result.stdout, re.M)
    assert re.search(r"^\| netra_backend/app/routes/admin_routes\.py \| 7 \| \d+ \| 0 \|$", result.stdout, re.M)


def test_html_to_a_file(tmp_path: Path):
    target = tmp_path / "report.html"
    result = ssot("report", "--format", "html", "-o", str(target))
    assert result.returncode == 0, result.stderr
    html = target.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>")
    assert "http://" not in html.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert "https://" not in html and "<script" not in html and "<link" not in html
    assert html.count("<svg") == 4  # gauge, by rule, by folder, top files


@pytest.mark.parametrize("content", ['scope = "x"\n', "[[rules]]\nid = 1\n"])
def test_configuration_errors_exit_2(tmp_path: Path, content: str):
    (tmp_path / "ssot.toml").write_text(content, encoding="utf-8")
    (tmp_path / "a.py").write_text("import os\n", encoding="utf-8")
    result = ssot("report", ".", cwd=tmp_path)
    assert result.returncode == 2
    assert "ssot.toml" in result.stderr


HALF_MIGRATED = {
    # Django 3 spellings: each carries a violation of the django-4 preset.
    "old_views.py": "from django.utils.encoding import force_text\nfrom django.utils.translation import ugettext\n",
    # Django 4 spellings: the preset rules' replacements, canonical without canonical-modules.
    "new_views.py": "from django.utils.encoding import force_str\nfrom django.utils.translation import gettext\n",
    "urls.py": "from django.urls import reverse\nimport os\n",  # replacement of the urlresolvers module rule
    # Not governed: no rule names these.
    "other.py": "from django.db import models\nimport json\n",
}


def test_presets_only_projects_score_their_replacements_as_canonical(project, ssot):
    folder = project(HALF_MIGRATED, config='presets = ["django-4"]\n')
    report = json.loads(ssot(folder, "report", "--format", "json").out)
    assert (report["canonical"], report["violating"], report["total"]) == (3, 2, 5)
    assert report["score"] == 60.0
    assert report["violations"] == 2


def test_canonical_modules_still_decide_when_they_are_set(project, ssot):
    files = dict(HALF_MIGRATED, **{"api.py": "from django.utils.encoding import force_str\n"})
    folder = project(files, config='presets = ["django-4"]\ncanonical-modules = ["api"]\n')
    report = json.loads(ssot(folder, "report", "--format", "json").out)
    assert report["canonical"] == 0  # nothing is imported from `api`
    assert report["violating"] == 2


def test_the_report_explains_its_terms(project, ssot):
    folder = project({"a.py": "from oldmod import a, b\n"})
    markdown = ssot(folder, "report").out
    report = json.loads(ssot(folder, "report", "--format", "json").out)
    assert (report["violating"], report["violations"]) == (2, 1)  # one flagged module path, two names
    for term in ("Governed:", "Canonical:", "Violating:", "Violations:", "every name imported from a flagged module"):
        assert term in markdown, term
    assert "every name imported from a flagged module" in ssot(folder, "report", "--format", "html").out
