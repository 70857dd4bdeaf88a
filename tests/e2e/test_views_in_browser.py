"""Each view in a real browser, as a host shows it: headless Debian chromium, a host page with the official
`AppBridge`, the view read from `chalice local` into a sandboxed iframe under a strict CSP, the tool result of a real
tools/call, and the view's own tools/calls forwarded to `chalice local`. The assertions read the rendered DOM."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from chalicelib.fitness.durations import format_duration
from tests.support.view_host import (
    CHROMIUM_FLAGS,
    HOW_TO_GET_CHROMIUM,
    McpEndpoint,
    bundle_host_script,
    chromium_path,
    host_page,
)

pytestmark = pytest.mark.e2e

# `make view-screenshots` saves them into docs/images/views; otherwise they go to the test's temporary folder.
SCREENSHOTS_DIR_VARIABLE = "VIEW_SCREENSHOTS_DIR"
WAIT_MS = 20_000


# Module scope: Playwright's sync API runs an event loop on this thread while it is open, and every later
# `asyncio.run` in the session (the SDK client tests) would find it running.
@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    executable = chromium_path()
    if executable is None:
        pytest.fail(HOW_TO_GET_CHROMIUM.format(path=os.environ.get("CHROMIUM", "/usr/bin/chromium")))
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(executable), headless=True, args=CHROMIUM_FLAGS)
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture(scope="session")
def host_script() -> str:
    return bundle_host_script()


@pytest.fixture(scope="session")
def screenshots_dir(tmp_path_factory) -> Path:
    chosen = os.environ.get(SCREENSHOTS_DIR_VARIABLE)
    directory = Path(chosen) if chosen else tmp_path_factory.mktemp("view-screenshots")
    directory.mkdir(parents=True, exist_ok=True)
    return directory


@dataclass
class HostedView:
    page: Any
    endpoint: McpEndpoint
    result: dict[str, Any]
    console_errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)

    @property
    def frame(self) -> Any:
        return self.page.frame_locator("iframe#view")

    def text(self) -> str:
        return self.frame.locator("main").inner_text(timeout=WAIT_MS)

    def wait_for_text(self, text: str) -> None:
        self.frame.locator("main", has_text=text).wait_for(timeout=WAIT_MS)

    def forwarded(self, tool_name: str) -> list[tuple[dict[str, Any], dict[str, Any]]]:
        """The view's own calls of `tool_name` that the host forwarded (the first call is the test's)."""
        return [(arguments, result) for name, arguments, result in self.endpoint.tool_calls[1:] if name == tool_name]

    def wait_for_forwarded(self, tool_name: str) -> list[tuple[dict[str, Any], dict[str, Any]]]:
        deadline = time.monotonic() + WAIT_MS / 1000
        while not self.forwarded(tool_name):
            assert time.monotonic() < deadline, f"the view's {tool_name} call never reached the server"
            self.page.wait_for_timeout(50)  # lets Playwright run the exposed function that forwards it
        return self.forwarded(tool_name)


@pytest.fixture
def show_view(browser, host_script, local_server) -> Iterator[Any]:
    pages = []

    def show(tool_name: str, arguments: dict[str, Any], theme: str = "light") -> HostedView:
        endpoint = McpEndpoint(local_server.mcp_url)
        html = endpoint.view_for(tool_name)
        result = endpoint.call_tool(tool_name, arguments)
        assert not result.get("isError"), result
        page = browser.new_page(viewport={"width": 720, "height": 900}, color_scheme=theme)
        pages.append(page)
        hosted = HostedView(page=page, endpoint=endpoint, result=result)
        page.on("console", lambda message: message.type == "error" and hosted.console_errors.append(message.text))
        page.on("pageerror", lambda error: hosted.console_errors.append(str(error)))
        page.on("request", lambda request: hosted.requests.append(request.url))
        page.expose_function("forwardToolCall", endpoint.call_tool)
        page.set_content(host_page(host_script, theme))
        page.evaluate(
            "view => window.mountView(view)",
            {"html": html, "toolName": tool_name, "args": arguments, "result": result, "theme": theme},
        )
        page.wait_for_function("window.viewInitialized === true", timeout=WAIT_MS)
        return hosted

    yield show
    for page in pages:
        page.close()


def assert_clean(hosted: HostedView) -> None:
    assert hosted.console_errors == []
    # The host page is set in place and the view is srcdoc: anything fetched would be a request.
    assert [url for url in hosted.requests if not url.startswith(("about:", "data:"))] == []


def screenshot(hosted: HostedView, directory: Path, name: str) -> None:
    hosted.page.wait_for_timeout(300)  # let the host apply the view's last size change before the picture
    path = directory / f"{name}.png"
    hosted.page.locator("iframe#view").screenshot(path=str(path))
    assert path.stat().st_size > 5_000


def shown(number: float) -> str:
    """A JSON number as the view writes it (JavaScript's own text for it): 119.0 is "119", 116.7 stays "116.7"."""
    return str(int(number)) if float(number).is_integer() else repr(number)


def zone_ranges(structured: dict[str, Any]) -> list[str]:
    return [f"{zone['low_bpm']}–{zone['high_bpm']} bpm" for zone in structured["zones"]]


def test_zones_view_draws_each_zone_of_the_real_result_as_a_labelled_band(show_view, screenshots_dir):
    hosted = show_view("calculate-heart-rate-zones", {"age": 40, "resting_heart_rate_bpm": 60})
    structured = hosted.result["structuredContent"]
    hosted.wait_for_text(zone_ranges(structured)[0])
    text = hosted.text()
    for zone, label in zip(structured["zones"], zone_ranges(structured), strict=True):
        assert label in text
        assert f"{zone['zone']} {zone['name']}" in text
    assert "Karvonen" in text and f"Maximum {structured['max_heart_rate_bpm']} bpm" in text
    assert "estimated from age" in text
    assert hosted.frame.locator("svg g.zone rect").count() == 5
    screenshot(hosted, screenshots_dir, "heart-rate-zones")
    assert_clean(hosted)


def test_changing_age_and_resting_rate_calls_the_tool_through_the_host_and_redraws(
    show_view, local_server, screenshots_dir
):
    hosted = show_view("calculate-heart-rate-zones", {"age": 40, "resting_heart_rate_bpm": 60})
    before = zone_ranges(hosted.result["structuredContent"])
    hosted.wait_for_text(before[0])
    calls_logged = local_server.log().count('"target":"calculate-heart-rate-zones"')

    hosted.frame.locator("input[name=age]").fill("25")
    hosted.frame.locator("input[name=resting_heart_rate_bpm]").fill("48")
    hosted.frame.locator("button").click()

    ((arguments, result),) = hosted.wait_for_forwarded("calculate-heart-rate-zones")
    assert arguments == {"age": 25, "resting_heart_rate_bpm": 48}
    after = zone_ranges(result["structuredContent"])
    assert after != before
    hosted.wait_for_text(after[-1])
    text = hosted.text()
    assert all(label in text for label in after)
    assert not any(label in text for label in before if label not in after)
    assert local_server.log().count('"target":"calculate-heart-rate-zones"') == calls_logged + 1
    assert_clean(hosted)


def test_zones_view_follows_a_dark_host_theme(show_view, screenshots_dir):
    hosted = show_view("calculate-heart-rate-zones", {"max_heart_rate_bpm": 190}, theme="dark")
    hosted.wait_for_text(zone_ranges(hosted.result["structuredContent"])[0])
    assert hosted.frame.locator("html").get_attribute("data-theme") == "dark"
    background = hosted.frame.locator("body").evaluate("body => getComputedStyle(body).backgroundColor")
    red, green, blue = (int(channel) for channel in re.findall(r"\d+", background)[:3])
    assert red + green + blue < 200, background
    assert "measured (given)" in hosted.text() and "% of maximum heart rate" in hosted.text()
    screenshot(hosted, screenshots_dir, "heart-rate-zones-dark")
    assert_clean(hosted)


def test_vdot_view_shows_the_vdot_paces_per_km_and_mile_and_the_equivalent_times(show_view, screenshots_dir):
    hosted = show_view("calculate-vdot", {"distance_m": 10000, "time_s": "45:00"})
    structured = hosted.result["structuredContent"]
    hosted.wait_for_text(shown(structured["vdot"]))
    for pace in structured["training_paces_s_per_km"]:
        hosted.frame.locator(f"td[data-mile={pace}]", has_text="/mi").wait_for(timeout=WAIT_MS)
    text = hosted.text()
    for pace in structured["training_paces_s_per_km"].values():
        assert f"{format_duration(pace)} /km" in text
    conversions = hosted.forwarded("convert-pace")
    assert sorted(arguments["pace_s_per_km"] for arguments, _ in conversions) == sorted(
        structured["training_paces_s_per_km"].values()
    )
    for _, conversion in conversions:
        assert f"{format_duration(conversion['structuredContent']['pace_s_per_mile'])} /mi" in text
    for seconds in structured["equivalent_times_s"].values():
        assert format_duration(seconds) in text
    assert hosted.frame.locator("svg g.pace rect").count() == 5
    screenshot(hosted, screenshots_dir, "vdot")
    assert_clean(hosted)


def test_race_view_draws_the_riegel_curve_from_the_servers_predictions_with_both_races_marked(
    show_view, screenshots_dir
):
    hosted = show_view("predict-race-time", {"distance_m": 10000, "time_s": 2700, "target_distance_m": 21097.5})
    structured = hosted.result["structuredContent"]
    hosted.frame.locator("svg polyline.curve").wait_for(timeout=WAIT_MS)
    text = hosted.text()
    assert format_duration(structured["predicted_time_s"]) in text
    predictions = hosted.forwarded("predict-race-time")
    assert len(predictions) == 8  # the given distance and the seven standard ones
    for _, prediction in predictions:
        assert format_duration(prediction["structuredContent"]["predicted_time_s"]) in text
    labels = hosted.frame.locator("svg g.marker text").all_text_contents()
    assert labels == [
        "Your 10 km: 45:00",
        f"Predicted Half marathon: {format_duration(structured['predicted_time_s'])}",
    ]
    points = hosted.frame.locator("svg polyline.curve").get_attribute("points").split()
    assert len(points) == 9
    screenshot(hosted, screenshots_dir, "race-prediction")
    assert_clean(hosted)


def test_one_rep_max_view_shows_the_seven_estimates_their_mean_and_the_loads_for_it(show_view, screenshots_dir):
    hosted = show_view("estimate-one-rep-max", {"weight_kg": 100, "reps": 5})
    structured = hosted.result["structuredContent"]
    hosted.frame.locator("svg g.load").first.wait_for(timeout=WAIT_MS)
    text = hosted.text()
    for estimate in structured["by_formula"].values():
        assert f"{shown(estimate)} kg" in text
    assert f"Mean {shown(structured['one_rep_max_kg'])} kg" in text
    ((arguments, loads),) = hosted.forwarded("calculate-training-loads")
    assert arguments == {"one_rep_max_kg": structured["one_rep_max_kg"]}
    for row in loads["structuredContent"]["loads"]:
        assert f"{shown(row['load_kg'])} kg × {row['typical_reps']}" in text
    assert hosted.frame.locator("svg g.estimate circle").count() == 7
    screenshot(hosted, screenshots_dir, "strength")
    assert_clean(hosted)


def test_training_loads_view_shows_every_load_with_its_typical_reps(show_view):
    hosted = show_view("calculate-training-loads", {"one_rep_max_kg": 120})
    hosted.frame.locator("svg g.load").first.wait_for(timeout=WAIT_MS)
    text = hosted.text()
    rows = hosted.result["structuredContent"]["loads"]
    for row in rows:
        assert f"{shown(row['load_kg'])} kg × {row['typical_reps']}" in text
        assert f"{row['percent']} %" in text
    assert hosted.frame.locator("svg g.load rect").count() == len(rows)
    assert_clean(hosted)


@pytest.mark.parametrize(
    ("tool_name", "arguments", "value_key", "suffix", "bands"),
    [
        ("calculate-bmi", {"weight_kg": 73.3, "height_cm": 181.7}, "bmi", " kg/m²", 6),
        (
            "estimate-body-fat-navy",
            {"sex": "female", "height_cm": 165, "neck_cm": 33, "waist_cm": 75, "hip_cm": 98},
            "body_fat_percent",
            " %",
            6,
        ),
        ("calculate-waist-to-height-ratio", {"waist_cm": 84, "height_cm": 178}, "ratio", "", 4),
    ],
)
def test_body_composition_view_puts_the_value_on_its_category_scale(
    show_view, screenshots_dir, tool_name, arguments, value_key, suffix, bands
):
    hosted = show_view(tool_name, arguments)
    structured = hosted.result["structuredContent"]
    hosted.frame.locator("svg text.value").wait_for(timeout=WAIT_MS)
    value = shown(structured[value_key])
    assert hosted.frame.locator("[data-field=value]").inner_text() == f"{value}{suffix}"
    assert structured["category"] in hosted.frame.locator("[data-field=category]").inner_text()
    marker_suffix = "" if value_key == "bmi" else suffix
    assert hosted.frame.locator("svg text.value").text_content() == f"{value}{marker_suffix} · {structured['category']}"
    assert hosted.frame.locator("svg g.band rect").count() == bands
    screenshot(hosted, screenshots_dir, f"body-composition-{value_key.replace('_', '-')}")
    assert_clean(hosted)


def test_a_refused_recalculation_shows_the_tools_message_and_keeps_the_chart(show_view):
    hosted = show_view("calculate-heart-rate-zones", {"age": 40})
    before = zone_ranges(hosted.result["structuredContent"])
    hosted.wait_for_text(before[0])
    hosted.frame.locator("input[name=resting_heart_rate_bpm]").fill("250")
    hosted.frame.locator("button").click()
    alert = hosted.frame.locator("[role=alert]")
    alert.wait_for(timeout=WAIT_MS)
    ((arguments, result),) = hosted.wait_for_forwarded("calculate-heart-rate-zones")
    assert arguments == {"age": 40, "resting_heart_rate_bpm": 250}
    assert result["isError"] is True
    assert "resting_heart_rate_bpm" in alert.inner_text()
    assert alert.inner_text() == result["content"][0]["text"]
    assert all(label in hosted.text() for label in before)
    assert_clean(hosted)


def test_without_chromium_the_view_tests_fail_and_say_how_to_get_it():
    first_view_test = f"{__file__}::test_zones_view_draws_each_zone_of_the_real_result_as_a_labelled_band"
    completed = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", first_view_test],
        env={**os.environ, "CHROMIUM": "/nonexistent/chromium"},
        cwd=Path(__file__).resolve().parents[2],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert completed.returncode == 1, completed.stdout
    assert "1 error" in completed.stdout and "skipped" not in completed.stdout
    assert "apt-get install -y chromium" in completed.stdout
