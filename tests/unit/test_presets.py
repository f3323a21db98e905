"""The built-in presets (SPEC §8) load through the real config loader and say what they promise."""

from __future__ import annotations

import importlib
import importlib.util
import re
import sys
from pathlib import Path

import pytest

from ssot_lsp.config import PRESETS_DIR, load_config
from ssot_lsp.model import ConfigurationError, Rule

PRESETS = ("django-4", "py3-stdlib")
DOTTED = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$")


def load_presets(tmp_path: Path, *names: str) -> tuple[Rule, ...]:
    config_file = tmp_path / "ssot.toml"
    config_file.write_text(
        "presets = [" + ", ".join(f'"{name}"' for name in names) + "]\n", encoding="utf-8"
    )
    return load_config(config_file).rules


def by_name(rules: tuple[Rule, ...]) -> dict[str, Rule]:
    index: dict[str, Rule] = {}
    for rule in rules:
        assert rule.name not in index, f"{rule.name} is listed twice"
        index[rule.name] = rule
    return index


@pytest.fixture
def django_rules(tmp_path: Path) -> dict[str, Rule]:
    return by_name(load_presets(tmp_path, "django-4"))


@pytest.fixture
def stdlib_rules(tmp_path: Path) -> dict[str, Rule]:
    return by_name(load_presets(tmp_path, "py3-stdlib"))


def test_the_preset_files_are_the_documented_ones() -> None:
    assert sorted(path.stem for path in PRESETS_DIR.glob("*.toml")) == sorted(PRESETS)


@pytest.mark.parametrize("preset", PRESETS)
def test_each_preset_loads_without_configuration_errors(tmp_path: Path, preset: str) -> None:
    rules = load_presets(tmp_path, preset)
    assert len(rules) >= 20
    assert all(rule.origin == f"preset:{preset}" for rule in rules)


def test_ids_are_unique_across_both_presets(tmp_path: Path) -> None:
    # Loading both together would raise ConfigurationError on a duplicate id; check it directly too.
    rules = load_presets(tmp_path, *PRESETS)
    ids = [rule.id for rule in rules]
    assert len(ids) == len(set(ids))
    assert all(rule.id.startswith("DJ") for rule in rules if rule.origin == "preset:django-4")
    assert all(rule.id.startswith("PY3") for rule in rules if rule.origin == "preset:py3-stdlib")


@pytest.mark.parametrize("preset", PRESETS)
def test_every_rule_is_a_module_or_symbol_move_with_a_message(tmp_path: Path, preset: str) -> None:
    for rule in load_presets(tmp_path, preset):
        assert rule.kind in ("module", "symbol"), rule.id
        assert rule.replace is None or DOTTED.match(rule.replace), rule.id
        assert rule.message, f"{rule.id} has no message"
        assert rule.replace is None or rule.replace in rule.message, (
            f"{rule.id}: the message must name the replacement {rule.replace}"
        )
        if rule.kind == "symbol":
            assert "." in rule.name, rule.id


# The only homes outside the standard library that preset replacements point to.
THIRD_PARTY_HOMES = {"django", "psycopg2"}


def _stdlib_top(dotted: str) -> bool:
    top = dotted.split(".")[0]
    names = getattr(sys, "stdlib_module_names", None)  # Python 3.10+
    if names is not None:
        assert (top in names) != (top in THIRD_PARTY_HOMES), f"{dotted}: unexpected home {top}"
    return top not in THIRD_PARTY_HOMES


def _resolves(dotted: str) -> bool:
    """Whether `dotted` names a module, or an attribute of one, in this interpreter."""
    try:
        if importlib.util.find_spec(dotted) is not None:
            return True
    except (ImportError, ValueError):
        pass
    module, _, attribute = dotted.rpartition(".")
    try:
        return hasattr(importlib.import_module(module), attribute)
    except ImportError:
        return False


def _not_built_here(dotted: str) -> bool:
    """Standard-library modules this build lacks (winreg off Windows, tkinter without Tk)."""
    try:
        return importlib.util.find_spec(dotted.split(".")[0]) is None
    except (ImportError, ValueError):
        return True


@pytest.mark.parametrize("preset", PRESETS)
def test_every_standard_library_replacement_resolves_in_this_python(tmp_path: Path, preset: str) -> None:
    """A fix may only write an import the running interpreter can execute (benchmarks/verify_presets.py
    checks the same against six and mock, and the Django replacements against the Django wheels)."""
    checked = 0
    for rule in load_presets(tmp_path, preset):
        if rule.replace is None or not _stdlib_top(rule.replace):
            continue
        if _not_built_here(rule.replace):
            continue
        assert _resolves(rule.replace), f"{rule.id}: {rule.replace} does not exist in this Python"
        checked += 1
    assert checked >= (80 if preset == "py3-stdlib" else 5)


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("django.utils.translation.ugettext", "django.utils.translation.gettext"),
        ("django.utils.translation.ugettext_lazy", "django.utils.translation.gettext_lazy"),
        ("django.utils.translation.ugettext_noop", "django.utils.translation.gettext_noop"),
        ("django.utils.translation.ungettext", "django.utils.translation.ngettext"),
        ("django.utils.translation.ungettext_lazy", "django.utils.translation.ngettext_lazy"),
        ("django.utils.encoding.force_text", "django.utils.encoding.force_str"),
        ("django.utils.encoding.smart_text", "django.utils.encoding.smart_str"),
        ("django.utils.translation.force_text", "django.utils.encoding.force_str"),
        ("django.conf.urls.url", "django.urls.re_path"),
        ("django.conf.urls.re_path", "django.urls.re_path"),
        ("django.test.runner.setup_databases", "django.test.utils.setup_databases"),
        ("django.contrib.admin.templatetags.admin_static.static", "django.templatetags.static.static"),
        ("django.db.models.FieldDoesNotExist", "django.core.exceptions.FieldDoesNotExist"),
        ("django.utils.http.urlquote", "urllib.parse.quote"),
        ("django.utils.http.urlquote_plus", "urllib.parse.quote_plus"),
        ("django.utils.http.urlunquote", "urllib.parse.unquote"),
        ("django.utils.http.urlunquote_plus", "urllib.parse.unquote_plus"),
        ("django.utils.http.is_safe_url", "django.utils.http.url_has_allowed_host_and_scheme"),
        ("django.utils.lru_cache.lru_cache", "functools.lru_cache"),
        ("django.contrib.postgres.fields.JSONField", "django.db.models.JSONField"),
    ],
)
def test_django_required_symbol_moves(django_rules: dict[str, Rule], old: str, new: str) -> None:
    rule = django_rules[old]
    assert (rule.kind, rule.replace) == ("symbol", new)


# django.core.urlresolvers.__all__ in Django 1.10 and 1.11 (it was `from django.urls import *`).
URLRESOLVERS_GONE_IN_2_0 = ["LocaleRegexProvider", "LocaleRegexURLResolver", "RegexURLPattern", "RegexURLResolver"]
URLRESOLVERS_KEPT = [
    "NoReverseMatch", "Resolver404", "ResolverMatch", "clear_script_prefix", "clear_url_caches", "get_callable",
    "get_mod_func", "get_ns_resolver", "get_resolver", "get_script_prefix", "get_urlconf", "is_valid_path",
    "resolve", "reverse", "reverse_lazy", "set_script_prefix", "set_urlconf", "translate_url",
]


def test_django_urlresolvers_module_is_flagged_without_a_blanket_rewrite(django_rules: dict[str, Rule]) -> None:
    # A module fix would turn `from django.core.urlresolvers import RegexURLPattern` into an import
    # of django.urls.RegexURLPattern, which Django 2.0 removed.
    rule = django_rules["django.core.urlresolvers"]
    assert (rule.kind, rule.replace) == ("module", None)
    assert "RegexURLPattern" in (rule.message or "")


@pytest.mark.parametrize("name", URLRESOLVERS_KEPT)
def test_django_urlresolvers_names_that_django_urls_kept_move_there(django_rules: dict[str, Rule], name: str) -> None:
    rule = django_rules[f"django.core.urlresolvers.{name}"]
    assert (rule.kind, rule.replace) == ("symbol", f"django.urls.{name}")


@pytest.mark.parametrize("module", ["django.core.urlresolvers", "django.urls", "django.urls.resolvers"])
@pytest.mark.parametrize("name", URLRESOLVERS_GONE_IN_2_0)
def test_django_regex_url_classes_are_flag_only(django_rules: dict[str, Rule], module: str, name: str) -> None:
    rule = django_rules[f"{module}.{name}"]
    assert (rule.kind, rule.replace) == ("symbol", None)
    assert "removed in Django 2.0" in (rule.message or "")


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("django.utils.six", "module"),
        ("django.utils.encoding.python_2_unicode_compatible", "symbol"),
        ("django.utils.text.unescape_entities", "symbol"),
        ("django.utils.functional.curry", "symbol"),
        ("django.utils.decorators.available_attrs", "symbol"),
        ("django.utils.translation.LANGUAGE_SESSION_KEY", "symbol"),
        ("django.contrib.postgres.fields.FloatRangeField", "symbol"),
        ("django.contrib.postgres.fields.ranges.FloatRangeField", "symbol"),
        ("django.contrib.postgres.forms.FloatRangeField", "symbol"),
        ("django.contrib.postgres.forms.ranges.FloatRangeField", "symbol"),
        ("django.db.models.NullBooleanField", "symbol"),
        ("django.utils.encoding.force_unicode", "symbol"),
        ("django.db.backends.postgresql_psycopg2.base", "module"),
        ("django.db.backends.postgresql_psycopg2.utils", "module"),
    ],
)
def test_django_names_without_a_behaviour_preserving_replacement_are_flag_only(
    django_rules: dict[str, Rule], name: str, kind: str
) -> None:
    rule = django_rules[name]
    assert rule.kind == kind
    assert rule.replace is None
    assert rule.message


def test_django_json_field_rules_leave_historical_migrations_alone(
    django_rules: dict[str, Rule],
) -> None:
    for name in ("django.contrib.postgres.fields.JSONField",
                 "django.contrib.postgres.fields.jsonb.JSONField"):
        assert "**/migrations/**" in django_rules[name].allow


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("six.moves.urllib.parse", "urllib.parse"),
        ("six.moves.configparser", "configparser"),
        ("six.moves.queue", "queue"),
        ("six.moves.http_client", "http.client"),
        ("six.moves.cPickle", "pickle"),
        ("mock", "unittest.mock"),
    ],
)
def test_stdlib_required_module_moves(stdlib_rules: dict[str, Rule], old: str, new: str) -> None:
    rule = stdlib_rules[old]
    assert (rule.kind, rule.replace) == ("module", new)


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("six.moves.reduce", "functools.reduce"),
        ("collections.Mapping", "collections.abc.Mapping"),
        ("collections.MutableMapping", "collections.abc.MutableMapping"),
        ("collections.Sequence", "collections.abc.Sequence"),
        ("collections.Iterable", "collections.abc.Iterable"),
        ("collections.Callable", "collections.abc.Callable"),
    ],
)
def test_stdlib_required_symbol_moves(stdlib_rules: dict[str, Rule], old: str, new: str) -> None:
    rule = stdlib_rules[old]
    assert (rule.kind, rule.replace) == ("symbol", new)


def test_every_collections_abc_alias_is_covered(stdlib_rules: dict[str, Rule]) -> None:
    import collections.abc

    # Every ABC of Python 3.9 was reachable from `collections` until 3.10; Buffer (3.12) never was.
    aliased = set(collections.abc.__all__) - {"Buffer"}
    covered = {name.split(".", 1)[1] for name in stdlib_rules if name.startswith("collections.")}
    assert aliased <= covered
    assert "ByteString" in covered
    for name in covered - {"ByteString"}:
        assert stdlib_rules[f"collections.{name}"].replace == f"collections.abc.{name}"
    # collections.abc.ByteString is gone in Python 3.14: a rewrite to it would not hold there.
    assert stdlib_rules["collections.ByteString"].replace is None


@pytest.mark.parametrize("builtin", ["zip", "range", "input", "map", "filter", "xrange"])
def test_six_moves_builtins_are_flag_only(stdlib_rules: dict[str, Rule], builtin: str) -> None:
    rule = stdlib_rules[f"six.moves.{builtin}"]
    assert rule.replace is None
    assert "builtin" in (rule.message or "")


def test_unknown_preset_is_a_configuration_error_on_the_presets_key(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError) as excinfo:
        load_presets(tmp_path, "django-4", "no-such-preset")
    errors = excinfo.value.errors
    assert [error.key for error in errors] == ["presets"]
    assert "no-such-preset" in errors[0].reason
    assert "django-4" in errors[0].reason and "py3-stdlib" in errors[0].reason


def test_user_rules_add_to_presets_and_may_not_reuse_their_ids(tmp_path: Path) -> None:
    preset_only = tmp_path / "preset-only"
    preset_only.mkdir()
    preset_count = len(load_presets(preset_only, "django-4"))
    config_file = tmp_path / "ssot.toml"
    config_file.write_text(
        'presets = ["django-4"]\n'
        "[[rules]]\n"
        'id = "APP001"\n'
        'kind = "module"\n'
        'name = "myapp.legacy"\n'
        'replace = "myapp.current"\n',
        encoding="utf-8",
    )
    rules = load_config(config_file).rules
    assert rules[-1].id == "APP001"
    assert len(rules) == preset_count + 1

    config_file.write_text(
        'presets = ["django-4"]\n'
        "[[rules]]\n"
        'id = "DJ001"\n'
        'kind = "module"\n'
        'name = "myapp.legacy"\n',
        encoding="utf-8",
    )
    with pytest.raises(ConfigurationError) as excinfo:
        load_config(config_file)
    assert [error.key for error in excinfo.value.errors] == ["rules[0].id"]
