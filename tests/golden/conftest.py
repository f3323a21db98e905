"""`--update-golden` rewrites the expected files from the current output."""

import os


def pytest_addoption(parser):
    parser.addoption("--update-golden", action="store_true", default=False,
                     help="regenerate tests/golden/*/expected.py from the fixer's output")


def update_requested(config) -> bool:
    try:
        return bool(config.getoption("--update-golden"))
    except ValueError:  # option not registered when this conftest was not loaded first
        return os.environ.get("SSOT_UPDATE_GOLDEN") == "1"
