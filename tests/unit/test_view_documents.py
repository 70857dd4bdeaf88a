"""The committed view documents are built from the current sources in views/ (`make views` rebuilds them), and the
category bands the body-composition view draws are the domain's."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest

from chalicelib.mcp_server import views
from views import export_scales

PROJECT_ROOT = Path(__file__).resolve().parents[2]
VIEWS_DIR = PROJECT_ROOT / "views"
RECORDED_DIGEST = re.compile(r'<meta name="fitness-view-sources-sha256" content="([0-9a-f]{64})">')


def sources_digest() -> str:
    """views/build.mjs's `sourcesDigest`: every source's path (sorted, relative to views/) and bytes."""
    files = [*(VIEWS_DIR / "src").rglob("*"), VIEWS_DIR / "build.mjs", VIEWS_DIR / "package-lock.json"]
    digest = hashlib.sha256()
    for path in sorted(
        (file for file in files if file.is_file()), key=lambda file: file.relative_to(VIEWS_DIR).as_posix()
    ):
        digest.update(path.relative_to(VIEWS_DIR).as_posix().encode() + b"\0")
        digest.update(path.read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()


def test_the_sources_digest_covers_every_view_source():
    sources = {path.relative_to(VIEWS_DIR).as_posix() for path in (VIEWS_DIR / "src").rglob("*.js")}
    assert {f"src/{view.name}.js" for view in views.VIEWS} <= sources
    assert "src/shared/view.js" in sources


@pytest.mark.parametrize("view", [view.name for view in views.VIEWS])
def test_each_committed_document_was_built_from_the_current_sources(view):
    document = (views.DOCUMENTS_DIR / f"{view}.html").read_text(encoding="utf-8")
    recorded = RECORDED_DIGEST.search(document)
    assert recorded is not None, f"{view}.html records no sources digest: run `make views`"
    assert recorded[1] == sources_digest(), f"{view}.html is stale against views/: run `make views` and commit it"


def test_there_is_one_document_per_view_and_one_entry_per_document():
    assert sorted(path.stem for path in views.DOCUMENTS_DIR.glob("*.html")) == sorted(v.name for v in views.VIEWS)
    entries = {path.stem for path in (VIEWS_DIR / "src").glob("*.js")}
    assert entries == {view.name for view in views.VIEWS}


def test_the_committed_category_bands_are_the_domains():
    assert export_scales.SCALES_PATH.read_text(encoding="utf-8") == export_scales.render(), (
        "views/src/generated/scales.json differs from the domain: run `make views` and commit it"
    )


def test_the_category_bands_name_every_category_of_the_domain():
    bands = export_scales.scales()
    assert [band["category"] for band in bands["bmi"]["bands"]][-1] == "Obesity class III"
    assert len(bands["body_fat"]["bands"]["female"]) == 6
    assert bands["waist_to_height"]["bands"][1] == {"below": 0.5, "category": "Healthy"}


def test_the_readme_shows_a_screenshot_of_every_view_and_each_one_the_docs_show_exists():
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    guide = (PROJECT_ROOT / "docs" / "views.md").read_text(encoding="utf-8")
    in_readme = re.findall(r"docs/(images/views/[a-z-]+\.png)", readme)
    in_guide = re.findall(r"\((images/views/[a-z-]+\.png)\)", guide)
    assert {view.name for view in views.VIEWS} <= {
        "body-composition" if Path(image).stem.startswith("body-composition") else Path(image).stem
        for image in in_readme
    }
    assert in_guide
    for image in {*in_readme, *in_guide}:
        assert (PROJECT_ROOT / "docs" / image).stat().st_size > 5_000, image
