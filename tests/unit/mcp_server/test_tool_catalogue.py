"""The tool catalogue: one entry per contract tool, each with a cited formula, a formula page, a wrapper that calls
its calculator, and an example call whose result carries the contract's fields."""

from __future__ import annotations

import json
import re

import pytest

from chalicelib.fitness import FitnessResult
from chalicelib.mcp_server.resources import formula_index_markdown, formula_page_markdown
from chalicelib.mcp_server.tool_catalogue import TOOL_CATALOGUE, TOOL_NAMES
from chalicelib.mcp_server.tools import WRAPPERS
from tests.support.tool_contract import TOOL_ARGUMENTS

CATALOGUE = {tool.name: tool for tool in TOOL_CATALOGUE}

NESTED_FIELDS = {
    "calculate-vdot": ("training_paces_s_per_km", {"easy", "marathon", "threshold", "interval", "repetition"}),
    "estimate-max-heart-rate": ("by_formula", {"tanaka", "fox", "gellish", "gulati"}),
    "calculate-ideal-body-weight": ("by_formula", {"devine", "robinson", "miller", "hamwi"}),
    "calculate-lean-body-mass": ("by_formula", {"boer", "james", "hume"}),
    "estimate-one-rep-max": (
        "by_formula",
        {"epley", "brzycki", "lombardi", "lander", "mayhew", "oconner", "wathan"},
    ),
}


def test_the_catalogue_holds_each_contract_tool_once():
    assert len(TOOL_NAMES) == len(set(TOOL_NAMES)) == 19
    assert set(TOOL_NAMES) == set(TOOL_ARGUMENTS)


def test_every_tool_has_a_title_a_description_and_a_cited_formula():
    assert len(TOOL_CATALOGUE) == 19
    for tool in TOOL_CATALOGUE:
        assert tool.title and tool.description
        assert tool.formula.formula
        assert tool.formula.citations
        assert any(re.search(r"\b(19|20)\d\d\b", citation) for citation in tool.formula.citations), tool.name
        assert tool.formula_uri == f"fitness://formulas/{tool.name}"
    assert len({tool.formula for tool in TOOL_CATALOGUE}) == 19


def test_every_tool_has_one_wrapper_named_as_its_calculator():
    assert set(WRAPPERS) == {tool.calculator.__name__ for tool in TOOL_CATALOGUE}
    assert len(WRAPPERS) == 19


def test_formula_index_lists_every_tool_and_each_tool_has_its_own_page():
    index = formula_index_markdown()
    assert index.startswith("# Fitness formulas")
    assert len(TOOL_CATALOGUE) == 19
    for tool in TOOL_CATALOGUE:
        assert f"`{tool.name}`" in index
        page = formula_page_markdown(tool)
        assert tool.title in page
        assert tool.formula.formula in page
        for citation in tool.formula.citations:
            assert citation in page


@pytest.mark.parametrize("tool", TOOL_CATALOGUE, ids=TOOL_NAMES)
def test_each_example_call_gives_a_result_with_the_contract_fields(tool):
    result = tool.calculator(**tool.example.arguments)
    assert isinstance(result, FitnessResult)
    dumped = result.model_dump(mode="json")
    assert tool.example.result_fields
    assert tool.example.result_fields <= set(dumped), tool.example.result_fields - set(dumped)
    if tool.name in NESTED_FIELDS:
        field, nested = NESTED_FIELDS[tool.name]
        assert set(dumped[field]) == nested
    summary = result.summary()
    assert summary.endswith(".")
    assert "nan" not in summary.lower().split()
    assert len(json.dumps(dumped)) < 5_000


def test_zones_and_training_loads_rows_have_the_contract_field_names():
    zones = CATALOGUE["calculate-heart-rate-zones"].calculator(age=30).model_dump()["zones"]
    assert len(zones) == 5
    assert all(set(zone) == {"zone", "name", "low_bpm", "high_bpm"} for zone in zones)
    loads = CATALOGUE["calculate-training-loads"].calculator(one_rep_max_kg=100).model_dump()["loads"]
    assert loads
    assert all(set(row) == {"percent", "load_kg", "typical_reps"} for row in loads)
