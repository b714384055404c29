"""Every example in an mdm docstring holds."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import mdm

MODULES = sorted(m.name for m in pkgutil.walk_packages(mdm.__path__, "mdm."))


@pytest.mark.parametrize("module", MODULES)
def test_docstring_examples_hold(module: str) -> None:
    result = doctest.testmod(importlib.import_module(module))
    assert result.failed == 0


def test_public_modules_show_examples() -> None:
    examples = {m: doctest.testmod(importlib.import_module(m)).attempted for m in MODULES}
    assert all(examples[m] > 0 for m in MODULES), examples
