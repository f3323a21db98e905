"""The command line builds only the subcommands a run needs, and parses every one the same way."""

from __future__ import annotations

import argparse

import pytest

from ssot_lsp import cli


def choices(parser: argparse.ArgumentParser) -> list[str]:
    action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return list(action.choices)


ALL = choices(cli.build_parser())


def test_every_subcommand_is_listed_when_none_is_named() -> None:
    assert ALL == ["check", "rules", "serve", "report", "baseline", "fix", "infer"]


@pytest.mark.parametrize("command", ALL)
def test_a_named_subcommand_is_always_built(command: str) -> None:
    assert command in choices(cli.build_parser(command))


def test_check_leaves_out_the_subcommands_other_modules_define(monkeypatch: pytest.MonkeyPatch) -> None:
    registered: list[tuple[str, ...]] = []
    extra = {names: (lambda commands, names=names: registered.append(names)) for names in cli._EXTRA_COMMANDS}
    monkeypatch.setattr(cli, "_EXTRA_COMMANDS", extra)
    cli.build_parser("check")
    assert registered == []
    cli.build_parser("fix")
    assert registered == [("fix",)]
    registered.clear()
    cli.build_parser("chekc")  # a typo: argparse lists every choice, so every subcommand is built
    assert len(registered) == len(extra)


def test_the_narrowed_parser_reads_a_check_command_line_as_the_full_one_does() -> None:
    line = ["check", "--output-format", "json", "--select", "SSOT0", "--unsafe-fixes", "src", "tests"]
    assert vars(cli.build_parser("check").parse_args(line)) == vars(cli.build_parser().parse_args(line))


def test_an_unknown_subcommand_names_every_choice(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        cli.main(["chekc"])
    error = capsys.readouterr().err
    assert "invalid choice: 'chekc'" in error and "'infer'" in error and "'fix'" in error
