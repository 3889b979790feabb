"""The README and the docs stay honest about what the code does."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

import pytest

from bordermap import cli
from bordermap.features import CONTRACT_PROPERTIES, LAYERS, PROPERTY_NAMES

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
CONTRACT = (ROOT / "docs" / "contract.md").read_text(encoding="utf-8")


def _commands() -> list[str]:
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers()
    for add in cli.COMMANDS:
        add(sub)
    return sorted(sub.choices)


def _code_blocks(text: str) -> list[str]:
    return re.findall(r"```sh\n(.*?)```", text, re.S)


def test_readme_opens_with_the_two_commands():
    first = _code_blocks(README)[0]
    lines = [ln for ln in first.splitlines() if ln and not ln.startswith("#")]
    assert lines == [
        "bash scripts/setup.sh && .venv/bin/streamlit run dashboard/app.py",
        "bash scripts/setup.sh --test && .venv/bin/python -m pytest",
    ]


def test_ci_runs_the_readme_test_command():
    test_command = next(ln for ln in _code_blocks(README)[0].splitlines() if "--test" in ln)
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert test_command in ci.splitlines()


@pytest.mark.parametrize("layer", LAYERS)
def test_every_layer_is_in_the_readme(layer):
    assert f"`{layer}`" in README


@pytest.mark.parametrize("command", _commands())
def test_every_command_is_in_the_readme(command):
    assert f"bordermap {command}" in README


@pytest.mark.parametrize("name", PROPERTY_NAMES)
def test_every_property_is_in_the_contract_doc(name):
    assert f"`{name}`" in CONTRACT


def test_the_contract_properties_come_first():
    assert PROPERTY_NAMES[: len(CONTRACT_PROPERTIES)] == CONTRACT_PROPERTIES
