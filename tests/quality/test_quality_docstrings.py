"""Every example in a quality docstring holds, and the report's helpers keep theirs true."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import quality

MODULES = [
    *sorted(m.name for m in pkgutil.iter_modules(quality.__path__, "quality.")),
    "pipeline.clock",
    "pipeline.report.charts",
    "pipeline.report.facts",
]


@pytest.mark.parametrize("module", MODULES)
def test_docstring_examples_hold(module: str) -> None:
    result = doctest.testmod(importlib.import_module(module))
    assert result.failed == 0
