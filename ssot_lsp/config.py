"""Find, read and validate the registry (SPEC §2).

The registry lives in `ssot.toml` (top-level keys) or in the `[tool.ssot-lsp]` table of
`pyproject.toml`, looked up from the checked file upwards. Every problem becomes a
`ConfigError(path, key, reason)`; a configuration with errors is never used half-read.
"""

from __future__ import annotations

import ast
import os
import re
import string
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Optional, Union

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.9/3.10 only
    import tomli as tomllib

from .model import RULE_KINDS, SEVERITIES, ConfigError, ConfigurationError, Rule

CONFIG_FILES = ("ssot.toml", "pyproject.toml")
TOOL_TABLE = "ssot-lsp"
PRESETS_DIR = Path(__file__).parent / "presets"

# Folders no one wants linted; the same list ruff skips by default.
DEFAULT_EXCLUDE = (
    ".bzr", ".direnv", ".eggs", ".git", ".hg", ".mypy_cache", ".nox", ".pants.d",
    ".ruff_cache", ".svn", ".tox", ".venv", "__pypackages__", "_build", "buck-out",
    "node_modules", "venv", "__pycache__",
)

TOP_LEVEL_KEYS = {
    "src": list,
    "scope": list,
    "canonical-modules": list,
    "canonical-allow": list,
    "exclude": list,
    "presets": list,
    "rules": list,
    "phases": list,  # SPEC §14, validated in phases.py
}
RULE_KEYS = {
    "id": str,
    "kind": str,
    "name": str,
    "replace": (str, list),
    "message": str,
    "severity": str,
    "allow": list,
    "params": list,
    "imports": list,
}
_DOTTED = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$")
_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_RULE_ID = re.compile(r"^[A-Za-z][A-Za-z0-9_-]*$")


@dataclass(frozen=True)
class Config:
    """A validated registry and the folder its paths are relative to."""

    path: Path
    src: tuple[Path, ...]
    scope: tuple[str, ...] = ()
    canonical_modules: tuple[str, ...] = ()
    canonical_allow: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    presets: tuple[str, ...] = ()
    rules: tuple[Rule, ...] = ()
    phases: tuple = ()  # phases.Phase, in declaration order
    _matchers: dict = field(default_factory=dict, compare=False, repr=False)

    @property
    def root(self) -> Path:
        return self.path.parent

    def relative(self, path: Path) -> Optional[str]:
        """`path` relative to the config folder with `/` separators, or None if outside."""
        absolute = os.path.abspath(path)
        root = str(self.root)
        if absolute == root:
            return "."
        prefix = os.path.join(root, "")
        if not absolute.startswith(prefix):
            return None
        relative = absolute[len(prefix):]
        return relative if os.sep == "/" else relative.replace(os.sep, "/")

    def matches(self, patterns: tuple[str, ...], path: Path) -> bool:
        """Whether `path` matches gitignore-style `patterns` relative to the config folder."""
        relative = self.relative(path)
        return relative is not None and self._matches_relative(patterns, relative)

    def _matches_relative(self, patterns: tuple[str, ...], relative: str) -> bool:
        if not patterns:
            return False
        spec = self._matchers.get(patterns)
        if spec is None:
            import pathspec

            spec = pathspec.GitIgnoreSpec.from_lines(patterns)
            self._matchers[patterns] = spec
        return bool(spec.match_file(relative))

    def is_excluded(self, path: Path) -> bool:
        """Excluded by `exclude`, the root `.gitignore`, or the default skip list."""
        relative = self.relative(path)
        return relative is not None and self.excluder()(relative)

    def excluder(self) -> Callable[[str], bool]:
        """`is_excluded` for paths already made relative, with `.gitignore` read once (batch runs)."""
        patterns = self._exclude_patterns()

        def excluded(relative: str) -> bool:
            if any(part in DEFAULT_EXCLUDE for part in relative.split("/")):
                return True
            return self._matches_relative(patterns, relative)

        return excluded

    def _exclude_patterns(self) -> tuple[str, ...]:
        """`exclude` plus the root `.gitignore`, read again only when that file changes."""
        try:
            stat = (self.root / ".gitignore").stat()
            stamp: object = (stat.st_mtime_ns, stat.st_size)
        except OSError:
            stamp = None
        cached = self._matchers.get(".gitignore")
        if cached is None or cached[0] != stamp:
            cached = (stamp, self.exclude + _gitignore_lines(self.root))
            self._matchers[".gitignore"] = cached
        return cached[1]


def _gitignore_lines(root: Path) -> tuple[str, ...]:
    try:
        text = (root / ".gitignore").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ()
    return tuple(line for line in text.splitlines() if line.strip() and not line.startswith("#"))


def find_config_file(start: Path) -> Optional[Path]:
    """The first `ssot.toml`, or `pyproject.toml` with `[tool.ssot-lsp]`, from `start` upwards."""
    folder = Path(os.path.abspath(start))
    if not folder.is_dir():
        folder = folder.parent
    for candidate in (folder, *folder.parents):
        found = config_file_in(candidate)
        if found is not None:
            return found
    return None


def config_file_in(folder: Union[str, Path], names: Optional[Iterable[str]] = None) -> Optional[Path]:
    """The config file of `folder` itself (not of its parents), if it has one.

    `names`, the folder's file names when the caller listed it already, saves the lookups.
    """
    ssot = os.path.join(folder, "ssot.toml")
    if (names is None or "ssot.toml" in names) and os.path.isfile(ssot):
        return Path(ssot)
    pyproject = os.path.join(folder, "pyproject.toml")
    if (names is None or "pyproject.toml" in names) and os.path.isfile(pyproject) and _has_tool_table(Path(pyproject)):
        return Path(pyproject)
    return None


def _has_tool_table(pyproject: Path) -> bool:
    try:
        text = pyproject.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False
    # A cheap test first; the full parse happens in load_config.
    return "ssot-lsp" in text and re.search(r"^\s*\[+\s*tool\.ssot-lsp", text, re.M) is not None


_CACHE: dict[Path, tuple[tuple[int, int], Config]] = {}


def load_config(path: Path) -> Config:
    """Read and validate a config file; raises ConfigurationError listing every problem."""
    path = Path(os.path.abspath(path))
    try:
        stat = path.stat()
    except OSError as exc:
        raise ConfigurationError([ConfigError(str(path), "<file>", exc.strerror or str(exc))]) from None
    stamp = (stat.st_mtime_ns, stat.st_size)
    cached = _CACHE.get(path)
    if cached and cached[0] == stamp:
        return cached[1]
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigurationError([ConfigError(str(path), "<file>", str(exc))]) from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigurationError([ConfigError(str(path), "<toml>", f"invalid TOML: {exc}")]) from None
    if path.name == "pyproject.toml":
        table = data.get("tool", {}).get(TOOL_TABLE)
        prefix = f"tool.{TOOL_TABLE}."
        if not isinstance(table, dict):
            raise ConfigurationError(
                [ConfigError(str(path), f"tool.{TOOL_TABLE}", "missing or not a table")]
            )
    else:
        table, prefix = data, ""
    config = parse_config(table, path, prefix)
    _CACHE[path] = (stamp, config)
    return config


def parse_config(table: dict[str, Any], path: Path, prefix: str = "") -> Config:
    """Validate a registry table read from `path`; `prefix` qualifies the keys in errors."""
    errors: list[ConfigError] = []
    where = str(path)

    def error(key: str, reason: str) -> None:
        errors.append(ConfigError(where, prefix + key, reason))

    for key, value in table.items():
        expected = TOP_LEVEL_KEYS.get(key)
        if expected is None:
            error(key, f"unknown key (expected one of: {', '.join(TOP_LEVEL_KEYS)})")
        elif not isinstance(value, expected):
            error(key, f"must be an array, not {_type_name(value)}")

    def strings(key: str) -> tuple[str, ...]:
        value = table.get(key, [])
        if not isinstance(value, list):
            return ()
        for index, item in enumerate(value):
            if not isinstance(item, str):
                error(f"{key}[{index}]", f"must be a string, not {_type_name(item)}")
        return tuple(item for item in value if isinstance(item, str))

    root = path.parent
    src_entries = strings("src") if "src" in table else (".",) + (("src",) if (root / "src").is_dir() else ())
    scope = strings("scope")
    canonical_modules = strings("canonical-modules")
    for key, names in (("scope", scope), ("canonical-modules", canonical_modules)):
        for index, name in enumerate(names):
            if not _DOTTED.match(name):
                error(f"{key}[{index}]", f"{name!r} is not a dotted module name")
    presets = strings("presets")
    keyed_rules: list[tuple[str, Rule]] = []
    for preset in presets:
        for rule in _load_preset(preset, lambda reason: error("presets", reason)):
            keyed_rules.append(("presets", rule))
    raw_rules = table.get("rules", [])
    if isinstance(raw_rules, list):
        for index, raw in enumerate(raw_rules):
            rule = _parse_rule(raw, f"rules[{index}]", where, error)
            if rule is not None:
                keyed_rules.append((f"rules[{index}].id", rule))
    from .phases import parse_phases

    phases = parse_phases(table.get("phases", []), error)
    seen: set[str] = set()
    for key, rule in keyed_rules:
        if rule.id in seen:
            error(key, f"duplicate rule id {rule.id!r}")
        seen.add(rule.id)
    if errors:
        raise ConfigurationError(errors)
    return Config(
        path=path,
        src=tuple(Path(os.path.normpath(root / entry)) for entry in src_entries),
        scope=scope,
        canonical_modules=canonical_modules,
        canonical_allow=strings("canonical-allow"),
        exclude=strings("exclude"),
        presets=presets,
        rules=tuple(rule for _, rule in keyed_rules),
        phases=phases,
    )


def _parse_rule(raw: Any, key: str, where: str, error) -> Optional[Rule]:
    if not isinstance(raw, dict):
        error(key, f"must be a table, not {_type_name(raw)}")
        return None
    count = 0

    def bad(sub: str, reason: str) -> None:
        nonlocal count
        count += 1
        error(f"{key}.{sub}", reason)

    for sub, value in raw.items():
        expected = RULE_KEYS.get(sub)
        if expected is None:
            bad(sub, f"unknown key (expected one of: {', '.join(RULE_KEYS)})")
        elif not isinstance(value, expected):
            bad(sub, f"must be {_expected_name(expected)}, not {_type_name(value)}")
    for required in ("id", "kind", "name"):
        if required not in raw:
            bad(required, "required key is missing")
    if count:
        return None
    rule_id, kind, name = raw["id"], raw["kind"], raw["name"]
    if not _RULE_ID.match(rule_id):
        bad("id", f"{rule_id!r} is not a valid rule id (letters, digits, '-' and '_')")
    if kind not in RULE_KINDS:
        bad("kind", f"{kind!r} is not one of {', '.join(RULE_KINDS)}")
    if not _DOTTED.match(name):
        bad("name", f"{name!r} is not a dotted name")
    severity = raw.get("severity", "warning")
    if severity not in SEVERITIES:
        bad("severity", f"{severity!r} is not one of {', '.join(SEVERITIES)}")
    params = tuple(_string_list(raw.get("params", []), "params", bad))
    for index, param in enumerate(params):
        if not _IDENTIFIER.match(param):
            bad(f"params[{index}]", f"{param!r} is not an identifier")
    imports = tuple(_string_list(raw.get("imports", []), "imports", bad))
    for index, statement in enumerate(imports):
        reason = _import_problem(statement)
        if reason:
            bad(f"imports[{index}]", reason)
    allow = tuple(_string_list(raw.get("allow", []), "allow", bad))
    replace = raw.get("replace")
    templates: tuple[str, ...] = ()
    if kind == "call":
        if replace is not None:
            templates = tuple(_string_list(replace if isinstance(replace, list) else [replace], "replace", bad))
            for index, template in enumerate(templates):
                reason = template_problem(template)
                if reason:
                    bad(f"replace[{index}]", reason)
        replace = None
    elif replace is not None:
        if not isinstance(replace, str):
            bad("replace", f"must be a dotted name for a {kind} rule, not an array")
        elif not _DOTTED.match(replace):
            bad("replace", f"{replace!r} is not a dotted name")
    if kind == "symbol" and "." not in name:
        bad("name", f"{name!r} must be a module attribute (pkg.mod.attr)")
    if count:
        return None
    return Rule(
        id=rule_id,
        kind=kind,
        name=name,
        replace=replace,
        templates=templates,
        message=raw.get("message"),
        severity=severity,
        allow=allow,
        params=params,
        imports=imports,
        origin=where,
    )


def _string_list(value: Any, key: str, bad) -> Iterable[str]:
    if not isinstance(value, list):
        return ()
    result = []
    for index, item in enumerate(value):
        if isinstance(item, str):
            result.append(item)
        else:
            bad(f"{key}[{index}]", f"must be a string, not {_type_name(item)}")
    return result


def template_placeholders(template: str) -> list[str]:
    """Placeholder names of a call template, in order; `{{`/`}}` are literal braces."""
    return [field for _, field, _, _ in string.Formatter().parse(template) if field is not None]


def template_problem(template: str) -> Optional[str]:
    """Why a call template is unusable, or None when it parses as a Python expression."""
    try:
        parsed = list(string.Formatter().parse(template))
    except ValueError as exc:
        return f"template {template!r} does not parse: {exc}"
    pieces = []
    for literal, field_name, format_spec, conversion in parsed:
        pieces.append(literal)
        if field_name is None:
            continue
        if not _IDENTIFIER.match(field_name) or format_spec or conversion:
            return f"template {template!r}: placeholder {{{field_name}}} must be a plain name"
        pieces.append(f"__ssot_{field_name}")
    try:
        ast.parse("".join(pieces), mode="eval")
    except SyntaxError as exc:
        return f"template {template!r} is not a Python expression: {exc.msg}"
    return None


def _import_problem(statement: str) -> Optional[str]:
    try:
        tree = ast.parse(statement)
    except SyntaxError as exc:
        return f"{statement!r} is not an import statement: {exc.msg}"
    if len(tree.body) != 1 or not isinstance(tree.body[0], (ast.Import, ast.ImportFrom)):
        return f"{statement!r} is not a single import statement"
    node = tree.body[0]
    if isinstance(node, ast.ImportFrom) and node.level:
        return f"{statement!r} must be an absolute import"
    return None


def _load_preset(name: str, error) -> list[Rule]:
    preset = PRESETS_DIR / f"{name}.toml"
    if not re.match(r"^[A-Za-z0-9_.-]+$", name) or not preset.is_file():
        available = ", ".join(sorted(p.stem for p in PRESETS_DIR.glob("*.toml"))) or "none"
        error(f"unknown preset {name!r} (available: {available})")
        return []
    data = tomllib.loads(preset.read_text(encoding="utf-8"))
    rules = []
    problems: list[str] = []
    for index, raw in enumerate(data.get("rules", [])):
        rule = _parse_rule(raw, f"rules[{index}]", str(preset), lambda key, reason: problems.append(f"{key}: {reason}"))
        if rule is not None:
            rules.append(_with_origin(rule, f"preset:{name}"))
    for problem in problems:
        error(f"preset {name!r} is broken: {problem}")
    return rules


def _with_origin(rule: Rule, origin: str) -> Rule:
    from dataclasses import replace

    return replace(rule, origin=origin)


def _type_name(value: Any) -> str:
    return {
        str: "a string", int: "an integer", float: "a float", bool: "a boolean",
        list: "an array", dict: "a table",
    }.get(type(value), type(value).__name__)


def _expected_name(expected: Any) -> str:
    if isinstance(expected, tuple):
        return " or ".join(_type_name(kind()) for kind in expected)
    return _type_name(expected())
