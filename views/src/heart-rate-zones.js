// calculate-heart-rate-zones: the five zones as coloured bands on one bpm axis. Age, measured maximum and resting
// heart rate can be changed; the view calls the tool again through the host and redraws with its answer.
import { callTool, html, show, startView, svg } from "./shared/view.js";

const TOOL = "calculate-heart-rate-zones";
const WIDTH = 640;
const LABEL_WIDTH = 120;
const ROW = 30;
let lastArguments = {};

function zonesChart(result) {
  const zones = result.zones;
  const low = zones[0].low_bpm;
  const high = zones[zones.length - 1].high_bpm;
  const plotWidth = WIDTH - LABEL_WIDTH - 90;
  const x = (bpm) => LABEL_WIDTH + ((bpm - low) / (high - low || 1)) * plotWidth;
  const axisY = zones.length * ROW + 8;
  const rows = zones.map((zone, index) => {
    const top = (zones.length - 1 - index) * ROW + 4;
    return svg(
      "g",
      { class: "zone", "data-zone": zone.zone },
      svg("text", { x: 0, y: top + 16 }, `${zone.zone} ${zone.name}`),
      svg("rect", {
        x: x(zone.low_bpm),
        y: top,
        width: Math.max(x(zone.high_bpm) - x(zone.low_bpm), 2),
        height: ROW - 8,
        rx: 4,
        fill: `var(--zone-${zone.zone})`,
      }),
      svg("text", { x: x(zone.high_bpm) + 6, y: top + 16, class: "range" }, `${zone.low_bpm}–${zone.high_bpm} bpm`),
    );
  });
  const boundaries = [...new Set([...zones.map((zone) => zone.low_bpm), high])];
  const ticks = boundaries.map((bpm) =>
    svg(
      "g",
      {},
      svg("line", { x1: x(bpm), x2: x(bpm), y1: axisY, y2: axisY + 5, class: "axis" }),
      svg("text", { x: x(bpm), y: axisY + 18, "text-anchor": "middle", class: "muted" }, String(bpm)),
    ),
  );
  return svg(
    "svg",
    { viewBox: `0 0 ${WIDTH} ${axisY + 24}`, role: "img", "aria-label": "Heart-rate zones in beats per minute" },
    rows,
    svg("line", { x1: LABEL_WIDTH, x2: LABEL_WIDTH + plotWidth, y1: axisY, y2: axisY, class: "axis" }),
    ticks,
  );
}

function describe(result) {
  const method =
    result.method === "karvonen"
      ? `Karvonen, % of heart-rate reserve above a resting ${result.resting_heart_rate_bpm} bpm`
      : "% of maximum heart rate";
  const source =
    result.max_heart_rate_source === "given" ? "measured (given)" : "estimated from age (Tanaka, 208 − 0.7 × age)";
  return [
    html("p", { class: "note", "data-field": "method" }, `Method: ${method}.`),
    html("p", { class: "note", "data-field": "max" }, `Maximum ${result.max_heart_rate_bpm} bpm, ${source}.`),
  ];
}

function numberField(label, name, value) {
  return html(
    "label",
    {},
    label,
    html("input", { name, type: "number", inputmode: "decimal", step: "any", value: value ?? "" }),
  );
}

function inputsForm(app, result) {
  // No <form> submission: hosts may sandbox the view without allow-forms, which would block it.
  const inputs = html(
    "div",
    { class: "inputs", role: "group", "aria-label": "Recalculate the zones" },
    numberField("Age (years)", "age", lastArguments.age),
    numberField("Max HR (bpm, optional)", "max_heart_rate_bpm", lastArguments.max_heart_rate_bpm),
    numberField("Resting HR (bpm, optional)", "resting_heart_rate_bpm", result.resting_heart_rate_bpm),
    html("button", { type: "button" }, "Recalculate"),
  );
  const button = inputs.querySelector("button");
  const recalculate = async () => {
    const args = {};
    for (const input of inputs.querySelectorAll("input")) {
      if (input.value.trim() !== "") args[input.name] = Number(input.value);
    }
    button.disabled = true;
    try {
      const next = await callTool(app, TOOL, args);
      lastArguments = args;
      render(next, app);
    } catch (error) {
      inputs.querySelector(".error")?.remove();
      inputs.append(html("p", { class: "error", role: "alert" }, error.message));
      button.disabled = false;
    }
  };
  button.addEventListener("click", recalculate);
  inputs.addEventListener("keydown", (event) => {
    if (event.key === "Enter") recalculate();
  });
  return inputs;
}

function render(result, app) {
  show(
    html("h1", {}, "Heart-rate zones"),
    ...describe(result),
    zonesChart(result),
    inputsForm(app, result),
  );
}

startView("fitness-heart-rate-zones", {
  onInput: (args) => {
    lastArguments = args;
  },
  render,
});
