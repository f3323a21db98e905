"""Find, read and validate the registry (SPEC §2).

The registry lives in `ssot.toml` (top-level keys) or in the `[tool.ssot-lsp]` table of
`pyproject.toml`, looked up from the checked file upwards. Every problem becomes a
`ConfigError(path, key, reason)`; a configuration with errors is never used half-read.
"""

from __future__ import annotations

import ast
import os
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Optional, Union

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.9/3.10 only
    import tomli as tomllib

from .model import CANON_CODE, RULE_KINDS, SEVERITIES, ConfigError, ConfigurationError, Rule
from .phases import Phase, parse_phases
from .templates import IDENTIFIER, template_problem

CONFIG_FILES = ("ssot.toml", "pyproject.toml")
TOOL_TABLE = "ssot-lsp"
PRESETS_DIR = Path(__file__).parent / "presets"

# Folders no one wants linted; the same list ruff skips by default.
DEFAULT_EXCLUDE = (
    ".bzr", ".direnv", ".eggs", ".git", ".hg", ".mypy_cache", ".nox", ".pants.d",
    ".ruff_cache", ".svn", ".tox", ".venv", "__pypackages__", "_build", "buck-out",
    "node_modules", "venv", "__pycache__",
)
PYTHON_SUFFIXES = (".py", ".pyi")

_DOTTED = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$")
_RULE_ID = re.compile(r"^[A-Za-z][A-Za-z0-9_.-]*$")  # dots: inferred ids are INF-<dotted name>
_BARE_KEY = re.compile(r"^[A-Za-z0-9_-]+$")
CONFIDENCES = ("low", "medium", "high")  # of inferred rules (SPEC §13), weakest first

Check = Callable[[Any], Optional[str]]  # a value -> why it is invalid, or None
ErrorSink = Callable[[str, str], None]  # (key, reason) of each problem found


def _pattern(pattern: re.Pattern[str], reason: str) -> Check:
    """Valid when the string matches; `reason` names the value as `{value}`."""
    return lambda value: None if pattern.match(value) else reason.format(value=repr(value))


def _one_of(choices: tuple[str, ...]) -> Check:
    return lambda value: None if value in choices else f"{value!r} is not one of {', '.join(choices)}"


@dataclass(frozen=True)
class Key:
    """One key of a config table: the TOML type(s) it takes and how its value is checked.

    `check` judges a value of the right type; for an array, `items` is the type of each
    element and `check` judges each element of that type.
    """

    types: Union[type, tuple[type, ...]]
    items: Optional[type] = None
    check: Optional[Check] = None
    required: bool = False


_MODULE_NAME = _pattern(_DOTTED, "{value} is not a dotted module name")

TOP_LEVEL_KEYS: dict[str, Key] = {
    "src": Key(list, items=str),
    "scope": Key(list, items=str, check=_MODULE_NAME),
    "canonical-modules": Key(list, items=str, check=_MODULE_NAME),
    "canonical-allow": Key(list, items=str),
    "exclude": Key(list, items=str),
    "presets": Key(list, items=str),
    "per-file-ignores": Key(dict),
    "rules": Key(list),
    "infer": Key(bool),
    "infer-confidence": Key(str, check=_one_of(CONFIDENCES)),
    "infer-decorators": Key(list, items=str, check=lambda value: None if _DOTTED.match(value) and "." in value
                            else f"{value!r} is not a dotted name (module.decorator)"),
    "phases": Key(list),  # SPEC §14, validated in phases.py
}


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
    per_file_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()  # already folded into `allow`
    infer: bool = False  # rules inferred from the workspace's deprecations are active (SPEC §13)
    infer_confidence: str = "high"
    infer_decorators: tuple[str, ...] = ()
    phases: tuple[Phase, ...] = ()  # in declaration order
    # patterns -> their GitIgnoreSpec, and ".gitignore" -> (file stamp, exclude patterns)
    _matchers: dict[object, Any] = field(default_factory=dict, compare=False, repr=False)

    @property
    def root(self) -> Path:
        return self.path.parent

    def relative(self, path: Union[str, Path]) -> Optional[str]:
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
    from .source import SkippedFile, read_source

    try:
        text = read_source(root / ".gitignore").decode("utf-8", errors="replace")
    except SkippedFile as exc:  # a FIFO would block every run: say why it is not honoured
        import logging  # here: a check of clean files never needs it (7 ms of start-up)

        logging.getLogger("ssot_lsp").warning("%s: %s; its patterns are not applied", root / ".gitignore", exc)
        return ()
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


_NEAR_MISS = re.compile(r"^\s*\[+\s*(tool\.[\"']?ssot[\w.-]*?lsp[\"']?)\s*[.\]]", re.M | re.I)


def near_miss_tables(start: Path) -> list[tuple[Path, str]]:
    """`pyproject.toml` files from `start` upwards with a table that looks like a misspelt `[tool.ssot-lsp]`."""
    found = []
    for folder in (start, *start.parents):
        pyproject = folder / "pyproject.toml"
        try:
            text = pyproject.read_text(encoding="utf-8", errors="replace") if pyproject.is_file() else ""
        except OSError:
            continue
        for table in dict.fromkeys(match.group(1) for match in _NEAR_MISS.finditer(text)):
            if table != f"tool.{TOOL_TABLE}":
                found.append((pyproject, table))
    return found


def load_config(path: Path) -> Config:
    """Read and validate a config file; raises ConfigurationError listing every problem.

    Not cached: `configs.ConfigStore` keeps what a run or a server session has read.
    """
    path = Path(os.path.abspath(path))
    try:
        path.stat()
    except OSError as exc:
        raise ConfigurationError([ConfigError(str(path), "<file>", exc.strerror or str(exc))]) from None
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigurationError([ConfigError(str(path), "<file>", str(exc))]) from None
    return config_from_text(text, path)


def config_from_text(text: str, path: Path) -> Config:
    """Validate `text` as the contents of the config file `path`; raises ConfigurationError."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigurationError([ConfigError(str(path), "", f"invalid TOML: {exc}")]) from None
    if path.name == "pyproject.toml":
        table = data.get("tool", {}).get(TOOL_TABLE)
        prefix = f"tool.{TOOL_TABLE}."
        if not isinstance(table, dict):
            raise ConfigurationError(
                [ConfigError(str(path), f"tool.{TOOL_TABLE}", "missing or not a table")]
            )
    else:
        table, prefix = data, ""
    return parse_config(table, path, prefix)


def parse_config(table: dict[str, Any], path: Path, prefix: str = "") -> Config:
    """Validate a registry table read from `path`; `prefix` qualifies the keys in errors."""
    errors: list[ConfigError] = []
    where = str(path)

    def error(key: str, reason: str) -> None:
        errors.append(ConfigError(where, prefix + key, reason))

    _check_types(table, TOP_LEVEL_KEYS, error)
    values = _check_values(table, TOP_LEVEL_KEYS, error)
    root = path.parent
    src_entries = values.get("src", (".",) + (("src",) if (root / "src").is_dir() else ()))
    presets: tuple[str, ...] = values.get("presets", ())
    keyed_rules = _keyed_rules(presets, table.get("rules", []), where, error)
    phases = parse_phases(table.get("phases", []), error)
    seen: set[str] = set()
    for key, rule in keyed_rules:
        if rule.id in seen:
            error(key, f"duplicate rule id {rule.id!r}")
        seen.add(rule.id)
    rules = [rule for _, rule in keyed_rules]
    per_file = _per_file_ignores(table.get("per-file-ignores"), [rule.id for rule in rules], error)
    if errors:
        raise ConfigurationError(errors)
    canonical_allow: tuple[str, ...] = values.get("canonical-allow", ())
    for glob, codes in per_file:
        rules = [_with_allow(rule, glob) if _selects(codes, rule.id) else rule for rule in rules]
        if _selects(codes, CANON_CODE):
            canonical_allow += (glob,)
    return Config(
        path=path,
        src=tuple(Path(os.path.normpath(root / entry)) for entry in src_entries),
        scope=values.get("scope", ()),
        canonical_modules=values.get("canonical-modules", ()),
        canonical_allow=canonical_allow,
        exclude=values.get("exclude", ()),
        presets=presets,
        rules=tuple(rules),
        per_file_ignores=tuple(per_file),
        infer=table.get("infer") is True,
        infer_confidence=values.get("infer-confidence", "high"),
        infer_decorators=values.get("infer-decorators", ()),
        phases=phases,
    )


def _keyed_rules(presets: tuple[str, ...], raw_rules: Any, where: str, error: ErrorSink) -> list[tuple[str, Rule]]:
    """The rules of the presets, then of `rules`, each with the key a duplicate id is reported at."""
    keyed_rules: list[tuple[str, Rule]] = []
    for preset in presets:
        for rule in _load_preset(preset, lambda reason: error("presets", reason)):
            keyed_rules.append(("presets", rule))
    if isinstance(raw_rules, list):
        for index, raw in enumerate(raw_rules):
            parsed = _parse_rule(raw, f"rules[{index}]", where, error)
            if parsed is not None:
                keyed_rules.append((f"rules[{index}].id", parsed))
    return keyed_rules


def _per_file_ignores(value: Any, rule_ids: list[str], error: ErrorSink) -> list[tuple[str, tuple[str, ...]]]:
    """`per-file-ignores` (glob -> rule ids or prefixes, as ruff spells it), validated.

    It is applied by adding each glob to the `allow` of the rules it names (and to
    `canonical-allow` for SSOT-CANON), so the editor and every command honour it alike.
    """
    if not isinstance(value, dict):
        return []
    known = [*rule_ids, CANON_CODE]
    entries = []
    for glob, codes in value.items():
        key = f"per-file-ignores.{glob}" if _BARE_KEY.match(glob) else f'per-file-ignores."{glob}"'
        if not isinstance(codes, list) or not all(isinstance(code, str) for code in codes):
            error(key, f"must be an array of rule ids or prefixes, not {_type_name(codes)}")
            continue
        unknown = [code for code in codes if not any(_selects((code,), rule_id) for rule_id in known)]
        if unknown:
            error(key, f"no rule has the id or prefix {', '.join(map(repr, unknown))} "
                       f"(known: {', '.join(known)})")
            continue
        entries.append((glob, tuple(codes)))
    return entries


def _selects(codes: Iterable[str], rule_id: str) -> bool:
    """Whether a list of rule ids or prefixes names `rule_id` (case-insensitive, like `# noqa`)."""
    return any(rule_id.upper().startswith(code.upper()) for code in codes if code)


def _with_allow(rule: Rule, glob: str) -> Rule:
    from dataclasses import replace

    return replace(rule, allow=rule.allow + (glob,))


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


RULE_KEYS: dict[str, Key] = {
    "id": Key(str, required=True,
              check=_pattern(_RULE_ID, "{value} is not a valid rule id (letters, digits, '-', '_' and '.')")),
    "kind": Key(str, required=True, check=_one_of(RULE_KINDS)),
    "name": Key(str, required=True, check=_pattern(_DOTTED, "{value} is not a dotted name")),
    "replace": Key((str, list)),  # a dotted name, or call templates: checked by the rule's kind
    "message": Key(str),
    "severity": Key(str, check=_one_of(SEVERITIES)),
    "allow": Key(list, items=str),
    "params": Key(list, items=str, check=_pattern(IDENTIFIER, "{value} is not an identifier")),
    "imports": Key(list, items=str, check=_import_problem),
}


def _parse_rule(raw: Any, key: str, where: str, error: ErrorSink) -> Optional[Rule]:
    if not isinstance(raw, dict):
        error(key, f"must be a table, not {_type_name(raw)}")
        return None
    problems: list[tuple[str, str]] = []

    def bad(sub: str, reason: str) -> None:
        problems.append((sub, reason))
        error(f"{key}.{sub}", reason)

    _check_types(raw, RULE_KEYS, bad)
    if problems:
        return None
    values = _check_values(raw, RULE_KEYS, bad)
    kind, name = raw["kind"], raw["name"]
    replace, templates = _replacement(kind, raw.get("replace"), bad)
    if kind == "symbol" and "." not in name:
        bad("name", f"{name!r} must be a module attribute (pkg.mod.attr)")
    if problems:
        return None
    return Rule(
        id=raw["id"], kind=kind, name=name, replace=replace, templates=templates, message=raw.get("message"),
        severity=raw.get("severity", "warning"), allow=values.get("allow", ()), params=values.get("params", ()),
        imports=values.get("imports", ()), origin=where,
    )


def _replacement(kind: str, replace: Any, bad: ErrorSink) -> tuple[Optional[str], tuple[str, ...]]:
    """A rule's `replace`: call templates for a call rule, a dotted name for the others."""
    if replace is None:
        return None, ()
    if kind == "call":
        return None, _strings(replace if isinstance(replace, list) else [replace], "replace", template_problem, bad)
    if not isinstance(replace, str):
        bad("replace", f"must be a dotted name for a {kind} rule, not an array")
    elif not _DOTTED.match(replace):
        bad("replace", f"{replace!r} is not a dotted name")
    return replace, ()


def _check_types(table: dict[str, Any], keys: dict[str, Key], error: ErrorSink) -> None:
    """Unknown keys and values of the wrong type (in the table's order), then missing required keys."""
    for key, value in table.items():
        expected = keys.get(key)
        if expected is None:
            error(key, f"unknown key (expected one of: {', '.join(keys)})")
        elif not isinstance(value, expected.types):
            error(key, f"must be {_expected_name(expected.types)}, not {_type_name(value)}")
    for key, expected in keys.items():
        if expected.required and key not in table:
            error(key, "required key is missing")


def _check_values(table: dict[str, Any], keys: dict[str, Key], error: ErrorSink) -> dict[str, Any]:
    """Each present value of the right type checked, in the order of `keys`; returns the usable values.

    An array's usable value is the tuple of its elements of the right type that pass the check.
    """
    values: dict[str, Any] = {}
    for key, expected in keys.items():
        value = table.get(key)
        if value is None or not isinstance(value, expected.types):
            continue
        if expected.items is not None:
            values[key] = _strings(value, key, expected.check, error)
            continue
        reason = expected.check(value) if expected.check is not None else None
        if reason is None:
            values[key] = value
        else:
            error(key, reason)
    return values


def _strings(value: Any, key: str, check: Optional[Check], error: ErrorSink) -> tuple[str, ...]:
    """The strings of an array: other elements are errors first, then each string's check."""
    for index, item in enumerate(value):
        if not isinstance(item, str):
            error(f"{key}[{index}]", f"must be a string, not {_type_name(item)}")
    valid = []
    for index, item in enumerate(value):
        if not isinstance(item, str):
            continue
        reason = check(item) if check is not None else None
        if reason is None:
            valid.append(item)
        else:
            error(f"{key}[{index}]", reason)
    return tuple(valid)


def _load_preset(name: str, error: Callable[[str], None]) -> list[Rule]:
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


def _expected_name(expected: Union[type, tuple[type, ...]]) -> str:
    if isinstance(expected, tuple):
        return " or ".join(_type_name(kind()) for kind in expected)
    return _type_name(expected())


# -- where an error is -------------------------------------------------------------------
_AT_LINE = re.compile(r"\s*\(at line (\d+), column (\d+)\)\s*$")
_KEY_PART = re.compile(r'"([^"]*)"|([^.\[\]"]+)|\[(\d+)\]')


def format_config_error(error: ConfigError, shown_path: Optional[str] = None) -> str:
    """`file:line: key: reason` (line when it can be found, key when there is one)."""
    reason = error.reason
    line = column = None
    at = _AT_LINE.search(reason)
    if at:
        line, column, reason = int(at.group(1)), int(at.group(2)), reason[:at.start()]
    elif error.key:
        line = error_line(error)
    where = shown_path or error.path
    if line is not None:
        where += f":{line}" + (f":{column}" if column is not None else "")
    return f"{where}: {error.key}: {reason}" if error.key else f"{where}: {reason}"


def error_line(error: ConfigError) -> Optional[int]:
    """The 1-based line of the config file where `error.key` is written, or None."""
    try:
        text = Path(error.path).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    rows = text.splitlines()
    parts: list[Union[str, int]] = [quoted or bare or int(index) for quoted, bare, index in _KEY_PART.findall(error.key)]
    table = ""
    if parts[:2] == ["tool", TOOL_TABLE]:
        parts, table = parts[2:], f"tool.{TOOL_TABLE}"
    if not parts:
        return _header_line(rows, table, 0)
    name, rest = str(parts[0]), parts[1:]
    qualified = f"{table}.{name}" if table else name
    if rest and isinstance(rest[0], int):
        header = _header_line(rows, qualified, rest[0], array=True)
        if header is not None:
            subkeys = [part for part in rest[1:] if isinstance(part, str)]
            return (_assignment_line(rows, subkeys[0], header) if subkeys else None) or header
    header = _header_line(rows, qualified, 0)
    if header is not None:  # `[tool.ssot-lsp.per-file-ignores]` written as its own table
        subkeys = [part for part in rest if isinstance(part, str)]
        return (_assignment_line(rows, subkeys[0], header) if subkeys else None) or header
    start = _header_line(rows, table, 0) if table else 0
    return _assignment_line(rows, name, start or 0)


def _header_line(rows: list[str], table: str, occurrence: int, array: bool = False) -> Optional[int]:
    """1-based line of the `occurrence`-th `[table]` (or `[[table]]`) header."""
    if not table:
        return None
    opening, closing = ("[[", "]]") if array else ("[", "]")
    pattern = re.compile(rf"^\s*{re.escape(opening)}\s*{re.escape(table)}\s*{re.escape(closing)}")
    seen = 0
    for number, row in enumerate(rows):
        if pattern.match(row):
            if seen == occurrence:
                return number + 1
            seen += 1
    return None


def _assignment_line(rows: list[str], key: str, after: int) -> Optional[int]:
    """1-based line of `key = ...` in the table whose header is on line `after` (0: the top-level table)."""
    pattern = re.compile(rf"""^\s*["']?{re.escape(key)}["']?\s*=""")
    for number in range(after, len(rows)):
        if _TABLE_HEADER.match(rows[number]):
            return None
        if pattern.match(rows[number]):
            return number + 1
    return None


_TABLE_HEADER = re.compile(r"^\[\[?\s*[A-Za-z_\"']")
