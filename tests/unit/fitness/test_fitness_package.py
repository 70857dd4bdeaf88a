"""The fitness package as a whole: no MCP or Chalice imports, one calculator and one cited formula per tool, the
MET table, and result models that carry the fields the issue names."""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import pytest
from pydantic import BaseModel

import chalicelib.fitness as fitness
from chalicelib.fitness import (
    FORMULAS,
    FUNCTION_BY_TOOL,
    MET_ACTIVITIES,
    TOOL_NAMES,
    FitnessResult,
    estimate_calories_burned,
    list_met_activities,
    render_formula_index_markdown,
    render_formula_markdown,
)

PACKAGE_DIRECTORY = Path(fitness.__file__).parent

# The 19 tools of issue 3, in the issue's order.
ISSUE_TOOLS = (
    "estimate-vo2-max-cooper",
    "estimate-vo2-max-rockport",
    "estimate-vo2-max-heart-rate-ratio",
    "calculate-vdot",
    "predict-race-time",
    "convert-pace",
    "estimate-max-heart-rate",
    "calculate-heart-rate-zones",
    "calculate-bmi",
    "estimate-body-fat-navy",
    "calculate-waist-to-height-ratio",
    "calculate-ideal-body-weight",
    "calculate-lean-body-mass",
    "calculate-bmr",
    "calculate-tdee",
    "estimate-calories-burned",
    "estimate-one-rep-max",
    "calculate-training-loads",
    "calculate-trimp",
)

# One call per tool with the issue's argument names, and the result fields the issue says each must include.
EXAMPLE_CALLS = {
    "estimate-vo2-max-cooper": ({"distance_m": 2650, "age": 35, "sex": "male"}, {"vo2_max", "rating"}),
    "estimate-vo2-max-rockport": (
        {"weight_kg": 80, "age": 40, "sex": "female", "time_s": "14:30", "heart_rate_bpm": 130},
        {"vo2_max", "rating"},
    ),
    "estimate-vo2-max-heart-rate-ratio": ({"max_heart_rate_bpm": 185, "resting_heart_rate_bpm": 55}, {"vo2_max"}),
    "calculate-vdot": (
        {"distance_m": 10000, "time_s": "45:00"},
        {"vdot", "equivalent_times_s", "training_paces_s_per_km"},
    ),
    "predict-race-time": (
        {"distance_m": 21097.5, "time_s": "1:45:00", "target_distance_m": 42195},
        {"predicted_time_s", "pace_s_per_km"},
    ),
    "convert-pace": (
        {"pace_s_per_km": "5:30", "distance_m": 10000},
        {"pace_s_per_km", "pace_s_per_mile", "speed_kmh", "speed_mph", "finish_time_s"},
    ),
    "estimate-max-heart-rate": ({"age": 45, "sex": "female"}, {"max_heart_rate_bpm", "by_formula"}),
    "calculate-heart-rate-zones": ({"age": 45, "resting_heart_rate_bpm": 60}, {"method", "zones"}),
    "calculate-bmi": ({"weight_kg": 82, "height_cm": 178}, {"bmi", "category"}),
    "estimate-body-fat-navy": (
        {"sex": "female", "height_cm": 165, "neck_cm": 33, "waist_cm": 75, "hip_cm": 98},
        {"body_fat_percent", "category"},
    ),
    "calculate-waist-to-height-ratio": ({"waist_cm": 84, "height_cm": 178}, {"ratio", "category"}),
    "calculate-ideal-body-weight": ({"height_cm": 178, "sex": "male"}, {"by_formula"}),
    "calculate-lean-body-mass": ({"weight_kg": 82, "height_cm": 178, "sex": "male"}, {"by_formula"}),
    "calculate-bmr": (
        {
            "weight_kg": 82,
            "height_cm": 178,
            "age": 40,
            "sex": "male",
            "formula": "katch-mcardle",
            "body_fat_percent": 18,
        },
        {"bmr_kcal", "formula"},
    ),
    "calculate-tdee": (
        {"weight_kg": 82, "height_cm": 178, "age": 40, "sex": "male", "activity_level": "light"},
        {"bmr_kcal", "tdee_kcal", "activity_factor"},
    ),
    "estimate-calories-burned": (
        {"activity": "cycling-moderate", "duration_min": 90, "weight_kg": 82},
        {"kcal", "met"},
    ),
    "estimate-one-rep-max": ({"weight_kg": 80, "reps": 6}, {"one_rep_max_kg", "by_formula"}),
    "calculate-training-loads": ({"one_rep_max_kg": 120}, {"loads"}),
    "calculate-trimp": (
        {
            "duration_min": 50,
            "average_heart_rate_bpm": 145,
            "resting_heart_rate_bpm": 55,
            "max_heart_rate_bpm": 185,
            "sex": "female",
        },
        {"trimp"},
    ),
}

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


def test_every_issue_tool_has_one_calculator_and_one_cited_formula():
    assert TOOL_NAMES == ISSUE_TOOLS
    assert tuple(FUNCTION_BY_TOOL) == ISSUE_TOOLS
    assert set(EXAMPLE_CALLS) == set(ISSUE_TOOLS)
    for tool, record in FORMULAS.items():
        assert record.tool == tool
        assert record.formula
        assert record.citations
        assert any(re.search(r"\b(19|20)\d\d\b", citation) for citation in record.citations), tool


def test_formula_index_lists_every_tool_and_each_tool_has_its_own_page():
    index = render_formula_index_markdown()
    assert index.startswith("# Fitness formulas")
    for tool in ISSUE_TOOLS:
        assert f"`{tool}`" in index
        page = render_formula_markdown(tool)
        assert FORMULAS[tool].formula in page
        for citation in FORMULAS[tool].citations:
            assert citation in page


@pytest.mark.parametrize("tool", ISSUE_TOOLS)
def test_each_tool_result_carries_the_fields_the_issue_names(tool):
    arguments, required_fields = EXAMPLE_CALLS[tool]
    result = FUNCTION_BY_TOOL[tool](**arguments)
    assert isinstance(result, FitnessResult)
    dumped = result.model_dump(mode="json")
    assert required_fields <= set(dumped), required_fields - set(dumped)
    if tool in NESTED_FIELDS:
        field, nested = NESTED_FIELDS[tool]
        assert set(dumped[field]) == nested
    summary = result.summary()
    assert summary.endswith(".")
    assert "nan" not in summary.lower().split()
    assert len(json.dumps(dumped)) < 5_000


def test_zones_and_training_loads_rows_have_the_issue_field_names():
    zones = FUNCTION_BY_TOOL["calculate-heart-rate-zones"](age=30).model_dump()["zones"]
    assert len(zones) == 5
    assert all(set(zone) == {"zone", "name", "low_bpm", "high_bpm"} for zone in zones)
    loads = FUNCTION_BY_TOOL["calculate-training-loads"](one_rep_max_kg=100).model_dump()["loads"]
    assert all(set(row) == {"percent", "load_kg", "typical_reps"} for row in loads)


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
