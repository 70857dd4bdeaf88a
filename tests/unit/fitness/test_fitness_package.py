"""The fitness package as a whole: no MCP or Chalice imports, cited formulas, the MET table, and described result
fields. Each tool's calculator and example call are checked through the catalogue (tests/unit/mcp_server)."""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import pytest
from pydantic import BaseModel

import chalicelib.fitness as fitness
from chalicelib.fitness import (
    MET_ACTIVITIES,
    FormulaRecord,
    estimate_calories_burned,
    formulas,
    list_met_activities,
)

PACKAGE_DIRECTORY = Path(fitness.__file__).parent


def _imported_modules(path: Path) -> set[str]:
    modules: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module is not None and node.level == 0:
            modules.add(node.module)
    return modules


def test_no_fitness_module_imports_mcp_or_chalice():
    sources = sorted(PACKAGE_DIRECTORY.glob("*.py"))
    assert len(sources) >= 10
    for source in sources:
        for module in _imported_modules(source):
            top_level = module.split(".")[0]
            assert top_level not in {"mcp", "mcp_types", "chalice"}, f"{source.name} imports {module}"


def test_every_formula_is_cited_with_a_dated_publication():
    records = [value for value in vars(formulas).values() if isinstance(value, FormulaRecord)]
    assert len(records) == 19
    for record in records:
        assert record.formula
        assert record.citations
        assert any(re.search(r"\b(19|20)\d\d\b", citation) for citation in record.citations), record.formula


def _result_models() -> list[type[BaseModel]]:
    exported = (getattr(fitness, name) for name in fitness.__all__)
    return [item for item in exported if isinstance(item, type) and issubclass(item, BaseModel)]


def test_every_result_field_is_described_for_the_output_schema():
    models = _result_models()
    assert len(models) >= 25
    for model in models:
        model.model_json_schema()
        for name, field in model.model_fields.items():
            assert field.description, f"{model.__name__}.{name} has no description"


def test_every_export_in_all_exists():
    assert fitness.__all__
    assert len(set(fitness.__all__)) == len(fitness.__all__)
    for name in fitness.__all__:
        assert hasattr(fitness, name), name


def test_met_table_holds_common_activities_with_compendium_codes():
    assert 25 <= len(MET_ACTIVITIES) <= 60
    for name in ("running-10-kmh", "cycling-moderate", "walking-5-kmh", "swimming-freestyle-moderate", "yoga"):
        assert name in MET_ACTIVITIES
    for name, activity in MET_ACTIVITIES.items():
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", name), name
        assert re.fullmatch(r"\d{5}", activity.compendium_code), name
        assert 1 <= activity.met <= 23, name
        assert activity.description
    codes = [activity.compendium_code for activity in MET_ACTIVITIES.values()]
    assert len(codes) == len(set(codes))


def test_met_table_is_served_as_json_covering_every_activity():
    rows = list_met_activities()
    assert [row["activity"] for row in rows] == sorted(MET_ACTIVITIES)
    assert json.loads(json.dumps(rows)) == rows
    assert set(rows[0]) == {"activity", "met", "compendium_code", "description"}


@pytest.mark.parametrize("activity", sorted(MET_ACTIVITIES))
def test_every_met_table_activity_can_be_used_to_estimate_calories(activity):
    result = estimate_calories_burned(duration_min=60, weight_kg=100, activity=activity)
    assert result.kcal == round(MET_ACTIVITIES[activity].met * 100)
    assert result.compendium_code == MET_ACTIVITIES[activity].compendium_code
