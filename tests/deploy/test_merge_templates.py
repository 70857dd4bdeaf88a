"""deploy/merge_templates.py merges merge templates the way `chalice package --merge-template` merges one into its
own template: objects key by key, everything else replaced by the later template."""

from __future__ import annotations

import copy
import json
import subprocess
import sys

import pytest
from chalice.package import TemplateDeepMerger

from deploy.merge_templates import deep_merge
from tests.support.lambda_package import PROJECT_ROOT

MERGE_TEMPLATES = PROJECT_ROOT / "deploy" / "merge_templates.py"


def test_nested_objects_are_merged_key_by_key():
    base = {"Resources": {"APIHandler": {"Properties": {"AutoPublishAlias": "live"}}}}
    overlay = {"Resources": {"APIHandler": {"Properties": {"Tracing": "Active"}}, "UsagePlan": {"Type": "X"}}}
    assert deep_merge(base, overlay) == {
        "Resources": {
            "APIHandler": {"Properties": {"AutoPublishAlias": "live", "Tracing": "Active"}},
            "UsagePlan": {"Type": "X"},
        }
    }


def test_lists_and_scalars_of_the_later_template_replace_the_earlier_ones_whole():
    base = {"ApiStages": [{"Stage": "a"}, {"Stage": "b"}], "RateLimit": 5, "Name": "old"}
    overlay = {"ApiStages": [{"Stage": "c"}], "RateLimit": 10, "Name": None}
    assert deep_merge(base, overlay) == {"ApiStages": [{"Stage": "c"}], "RateLimit": 10, "Name": None}


def test_an_object_replaces_a_non_object_and_the_other_way_round():
    assert deep_merge({"Value": "text"}, {"Value": {"Ref": "ApiKey"}}) == {"Value": {"Ref": "ApiKey"}}
    assert deep_merge({"Value": {"Ref": "ApiKey"}}, {"Value": "text"}) == {"Value": "text"}


def test_merging_changes_neither_input():
    base = {"Resources": {"A": {"Properties": {"x": 1}}}}
    overlay = {"Resources": {"A": {"Properties": {"y": 2}}}}
    base_before, overlay_before = copy.deepcopy(base), copy.deepcopy(overlay)
    deep_merge(base, overlay)
    assert (base, overlay) == (base_before, overlay_before)


@pytest.mark.parametrize(
    ("base", "overlay"),
    [
        ({"a": {"b": 1, "c": [1]}}, {"a": {"c": [2], "d": {"e": 3}}}),
        ({"a": [1, 2]}, {"a": {"b": 1}}),
        ({"a": {"b": {"c": 1}}}, {"a": {"b": "replaced"}, "f": None}),
    ],
)
def test_the_merge_gives_what_chalice_gives_merging_the_overlay_into_the_base(base, overlay):
    assert deep_merge(base, overlay) == TemplateDeepMerger().merge(overlay, base)


def test_the_command_merges_the_files_in_order_into_the_output(tmp_path):
    first, second, third = (tmp_path / f"{name}.json" for name in ("first", "second", "third"))
    first.write_text(json.dumps({"Outputs": {"A": {"Value": 1}}, "Resources": {"R": {"Type": "T"}}}))
    second.write_text(json.dumps({"Outputs": {"A": {"Value": 2}, "B": {"Value": 3}}}))
    third.write_text(json.dumps({"Outputs": {"B": {"Value": 4}}}))
    output = tmp_path / "build" / "merged.json"
    completed = subprocess.run(
        [sys.executable, str(MERGE_TEMPLATES), str(output), str(first), str(second), str(third)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    assert json.loads(output.read_text()) == {
        "Outputs": {"A": {"Value": 2}, "B": {"Value": 4}},
        "Resources": {"R": {"Type": "T"}},
    }


def test_the_command_without_templates_prints_its_usage_and_fails(tmp_path):
    completed = subprocess.run(
        [sys.executable, str(MERGE_TEMPLATES), str(tmp_path / "merged.json")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 2
    assert completed.stderr.startswith("usage:")
