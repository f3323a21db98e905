"""The django-4 preset on code written against Django 3: check flags, fix rewrites (SPEC §8)."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

DJANGO3 = textwrap.dedent(
    """\
    from django.conf.urls import url
    from django.core.urlresolvers import reverse
    from django.utils.encoding import force_text, smart_text
    from django.utils.http import is_safe_url, urlquote
    from django.utils.translation import ugettext, ugettext_lazy as _, ungettext
    from django.utils import translation


    def view(request, count):
        title = _("Hello")
        label = ungettext("item", "items", count)
        target = reverse("home")
        safe = is_safe_url(target, allowed_hosts=None)
        return force_text(title), smart_text(label), urlquote(target), ugettext("x"), safe


    def legacy(value):
        return translation.force_text(value)


    urlpatterns = [url(r"^$", view)]
    """
)

# The Django 4 spelling of every name above, read off the release notes the preset cites.
DJANGO4_NAMES = [
    # Each statement is rewritten where it stands (SPEC §12: no merging of two statements).
    "from django.urls import re_path\n", "from django.urls import reverse\n", "force_str", "smart_str",
    "url_has_allowed_host_and_scheme", "quote", "gettext", "gettext_lazy as _", "ngettext",
]
DJANGO3_NAMES = ["ugettext", "ungettext", "force_text", "smart_text", "is_safe_url", "urlquote",
                 "urlresolvers", "conf.urls import url", "translation.force_text"]


def ssot(folder: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "ssot_lsp.cli", *args], cwd=folder,
                          capture_output=True, text=True, timeout=120)


def test_django_3_code_is_flagged_and_fixed_to_django_4(tmp_path: Path) -> None:
    (tmp_path / "ssot.toml").write_text('presets = ["django-4"]\n')
    (tmp_path / "views.py").write_text(DJANGO3)

    records = json.loads(ssot(tmp_path, "check", ".", "--format", "json").stdout)
    flagged = {DJANGO3.splitlines()[r["line"] - 1][r["column"] - 1:r["end_column"] - 1] for r in records}
    assert flagged >= {"url", "django.core.urlresolvers", "force_text", "smart_text", "is_safe_url",
                       "urlquote", "ugettext", "ugettext_lazy", "ungettext", "translation.force_text"}
    # django.core.urlresolvers itself is flag-only (some of its names died in 2.0); the names on
    # the line have their own fixes, and moving them removes the old import with the finding.
    assert {(r["code"], r["fix"]) for r in records if r["fix"] != "auto"} == {("DJ009", None)}

    result = ssot(tmp_path, "fix", ".")
    assert result.returncode == 0, result.stdout + result.stderr
    fixed = (tmp_path / "views.py").read_text()
    compile(fixed, "views.py", "exec")
    for name in DJANGO4_NAMES:
        assert name in fixed, name
    for name in DJANGO3_NAMES:
        assert name not in fixed, name
    assert ssot(tmp_path, "check", ".").returncode == 0


DJANGO111_URLS = textwrap.dedent(
    """\
    from django.conf.urls import include, re_path
    from django.contrib.postgres.fields.ranges import FloatRangeField
    from django.contrib.postgres.forms.ranges import FloatRangeField as FloatRangeFormField
    from django.core.urlresolvers import RegexURLPattern, reverse


    class LegacyPattern(RegexURLPattern):
        pass


    def home():
        return reverse("home"), include, FloatRangeField, FloatRangeFormField


    urlpatterns = [re_path(r"^$", home)]
    """
)


def test_names_missing_from_django_4_are_flagged_and_never_rewritten_into_a_failing_import(tmp_path: Path) -> None:
    """The preset's corrections (benchmarks/verify_presets.py found them against the real wheels)."""
    (tmp_path / "ssot.toml").write_text('presets = ["django-4"]\n')
    (tmp_path / "urls.py").write_text(DJANGO111_URLS)

    records = json.loads(ssot(tmp_path, "check", ".", "--format", "json").stdout)
    found = {(r["code"], DJANGO111_URLS.splitlines()[r["line"] - 1][r["column"] - 1:r["end_column"] - 1], r["fix"])
             for r in records}
    assert found == {
        ("DJ107", "re_path", "auto"),  # imported by django.conf.urls only in 2.0–3.2
        ("DJ108", "FloatRangeField", None),
        ("DJ109", "FloatRangeField", None),
        ("DJ009", "django.core.urlresolvers", None),
        ("DJ095", "RegexURLPattern", None),  # django.urls lost it in 2.0: no fix
        ("DJ090", "reverse", "auto"),
    }

    result = ssot(tmp_path, "fix", ".")
    assert result.returncode == 1  # flag-only violations remain
    assert "Fixed 2 violations" in result.stderr and "4 violations left" in result.stderr
    fixed = (tmp_path / "urls.py").read_text()
    compile(fixed, "urls.py", "exec")
    assert "from django.core.urlresolvers import RegexURLPattern\n" in fixed
    assert "from django.urls import re_path, reverse\n" in fixed
    assert "django.urls import RegexURLPattern" not in fixed and "RegexURLPattern," not in fixed
    remaining = {r["code"] for r in json.loads(ssot(tmp_path, "check", ".", "--format", "json").stdout)}
    assert remaining == {"DJ009", "DJ095", "DJ108", "DJ109"}
