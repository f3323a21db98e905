from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from legacy.models import OldModel
    from pkg.models import Model

from legacy.models import make_model


def build(name: str) -> Model:
    return make_model(name)


def old(value: OldModel) -> str:
    return "old"
