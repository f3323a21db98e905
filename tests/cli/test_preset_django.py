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
    "re_path", "from django.urls import reverse", "force_str", "smart_str",
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
    assert all(r["fix"] == "auto" for r in records)

    result = ssot(tmp_path, "fix", ".")
    assert result.returncode == 0, result.stdout + result.stderr
    fixed = (tmp_path / "views.py").read_text()
    compile(fixed, "views.py", "exec")
    for name in DJANGO4_NAMES:
        assert name in fixed, name
    for name in DJANGO3_NAMES:
        assert name not in fixed, name
    assert ssot(tmp_path, "check", ".").returncode == 0
