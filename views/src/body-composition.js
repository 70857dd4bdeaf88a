// calculate-bmi, estimate-body-fat-navy, calculate-waist-to-height-ratio: the value on its category scale. The
// bands are the domain's (generated/scales.json, written by views/export_scales.py); the value and its category are
// the tool result's.
import scales from "./generated/scales.json";
import { html, show, startView, svg } from "./shared/view.js";

const WIDTH = 640;
const BAR_TOP = 54;
const BAR_HEIGHT = 26;
// Only where the bar starts and ends on screen; no number here is shown.
const DISPLAY_RANGES = { bmi: [14, 46], body_fat: [0, 50], waist_to_height: [0.3, 0.8] };
const BAND_COLOURS = ["--zone-1", "--zone-2", "--zone-3", "--zone-4", "--zone-5", "--warn"];

function scaleChart(kind, bands, value, valueLabel) {
  const bounds = bands.map((band) => band.below).filter((bound) => bound !== null);
  let [low, high] = DISPLAY_RANGES[kind];
  low = Math.min(low, value);
  high = Math.max(high, value);
  const left = 10;
  const plotWidth = WIDTH - 2 * left;
  const x = (v) => left + ((v - low) / (high - low)) * plotWidth;
  const edges = [low, ...bounds, high];
  const colours = bands.length === 6 && kind === "body_fat" ? ["--panel", ...BAND_COLOURS.slice(0, 5)] : BAND_COLOURS;
  const rects = bands.map((band, index) => {
    const from = x(edges[index]);
    const to = x(edges[index + 1]);
    return svg(
      "g",
      { class: "band", "data-category": band.category },
      svg("rect", { x: from, y: BAR_TOP, width: Math.max(to - from, 1), height: BAR_HEIGHT,
        fill: `var(${colours[index % colours.length]})`, opacity: 0.85 }),
      // Alternate rows, so that the names of narrow neighbouring bands do not overlap.
      svg("text", { x: (from + to) / 2, y: BAR_TOP + BAR_HEIGHT + 30 + (index % 2) * 15, "text-anchor": "middle",
        class: "muted" }, band.category),
    );
  });
  const ticks = bounds.map((bound) =>
    svg("text", { x: x(bound), y: BAR_TOP + BAR_HEIGHT + 14, "text-anchor": "middle", class: "muted tick" },
      String(bound)),
  );
  const markerX = x(value);
  const anchor = markerX < 120 ? "start" : markerX > WIDTH - 120 ? "end" : "middle";
  return svg(
    "svg",
    { viewBox: `0 0 ${WIDTH} ${BAR_TOP + BAR_HEIGHT + 52}`, role: "img", "aria-label": "Value on its category scale" },
    rects,
    ticks,
    svg("line", { x1: markerX, x2: markerX, y1: BAR_TOP - 8, y2: BAR_TOP + BAR_HEIGHT + 4, class: "mark" }),
    svg("path", { d: `M ${markerX - 7} ${BAR_TOP - 18} h 14 l -7 10 z`, fill: "var(--ink)" }),
    svg("text", { x: markerX, y: BAR_TOP - 24, "text-anchor": anchor, class: "value" }, valueLabel),
  );
}

function render(result) {
  if ("bmi" in result) {
    show(
      html("h1", {}, "Body mass index"),
      html("p", { class: "headline", "data-field": "value" }, `${result.bmi} kg/m²`),
      html("p", { class: "note", "data-field": "category" }, `${result.category} · ${scales.bmi.source}`),
      scaleChart("bmi", scales.bmi.bands, result.bmi, `${result.bmi} · ${result.category}`),
    );
  } else if ("body_fat_percent" in result) {
    show(
      html("h1", {}, "Body fat (US Navy method)"),
      html("p", { class: "headline", "data-field": "value" }, `${result.body_fat_percent} %`),
      html("p", { class: "note", "data-field": "category" },
        `${result.category} · ${scales.body_fat.source} categories for a ${result.sex}`),
      scaleChart("body_fat", scales.body_fat.bands[result.sex], result.body_fat_percent,
        `${result.body_fat_percent} % · ${result.category}`),
    );
  } else {
    show(
      html("h1", {}, "Waist-to-height ratio"),
      html("p", { class: "headline", "data-field": "value" }, String(result.ratio)),
      html("p", { class: "note", "data-field": "category" }, `${result.category} · ${scales.waist_to_height.source}`),
      scaleChart("waist_to_height", scales.waist_to_height.bands, result.ratio, `${result.ratio} · ${result.category}`),
    );
  }
}

startView("fitness-body-composition", { render });
