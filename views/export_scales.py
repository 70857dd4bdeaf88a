"""Writes views/src/generated/scales.json: the category bands the body-composition view draws, from the domain.

The bands are the domain's constants (WHO BMI, ACE body fat, Ashwell waist-to-height), so the view never keeps a
copy of its own; a test fails when the committed file differs from what the domain gives.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
SCALES_PATH = PROJECT_ROOT / "views" / "src" / "generated" / "scales.json"


def bands(upper_bounds: tuple[tuple[float, str], ...], highest: str) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = [{"below": bound, "category": name} for bound, name in upper_bounds]
    return [*rows, {"below": None, "category": highest}]


def scales() -> dict[str, object]:
    from chalicelib.fitness import body

    body_fat = {}
    for sex, (essential_minimum, upper_bounds) in body.BODY_FAT_CATEGORIES.items():
        body_fat[sex] = [{"below": essential_minimum, "category": "Below essential fat"}, *bands(upper_bounds, "Obese")]
    return {
        "bmi": {
            "source": "WHO adult classification (2000)",
            "bands": bands(body.BMI_CATEGORIES, body.BMI_HIGHEST_CATEGORY),
        },
        "body_fat": {"source": "American Council on Exercise", "bands": body_fat},
        "waist_to_height": {
            "source": "Ashwell & Hsieh (2005)",
            "bands": bands(body.WAIST_TO_HEIGHT_CATEGORIES, body.WAIST_TO_HEIGHT_HIGHEST_CATEGORY),
        },
    }


def render() -> str:
    return json.dumps(scales(), indent=2) + "\n"


if __name__ == "__main__":
    sys.path.insert(0, str(PROJECT_ROOT))
    SCALES_PATH.write_text(render(), encoding="utf-8")
