// estimate-one-rep-max and calculate-training-loads: the seven equations' estimates with their mean, and the loads
// by percent of 1RM with the reps typically possible (for a one-rep-max estimate, the server's loads for its mean).
import { callTool, html, show, startView, svg } from "./shared/view.js";

const FORMULAS = [
  ["epley", "Epley"],
  ["brzycki", "Brzycki"],
  ["lombardi", "Lombardi"],
  ["lander", "Lander"],
  ["mayhew", "Mayhew et al."],
  ["oconner", "O'Conner et al."],
  ["wathan", "Wathan"],
];
const WIDTH = 640;
const ROW = 24;

function estimatesChart(result) {
  // A dot plot on a narrow axis around the estimates, so that their spread shows; each value is also written out.
  const values = [...FORMULAS.map(([key]) => result.by_formula[key]), result.one_rep_max_kg];
  const smallest = Math.min(...values);
  const largest = Math.max(...values);
  const padding = (largest - smallest) * 0.15 || 1;
  const left = 130;
  const right = WIDTH - 90;
  const x = (kg) => left + ((kg - smallest + padding) / (largest - smallest + 2 * padding)) * (right - left);
  const rows = FORMULAS.map(([key, name], index) =>
    svg(
      "g",
      { class: "estimate", "data-formula": key },
      svg("text", { x: 0, y: index * ROW + 15 }, name),
      svg("line", { x1: left, x2: right, y1: index * ROW + 11, y2: index * ROW + 11, class: "axis" }),
      svg("circle", { cx: x(result.by_formula[key]), cy: index * ROW + 11, r: 6, fill: "var(--zone-1)" }),
      svg("text", { x: WIDTH, y: index * ROW + 15, "text-anchor": "end" }, `${result.by_formula[key]} kg`),
    ),
  );
  const bottom = FORMULAS.length * ROW;
  return svg(
    "svg",
    { viewBox: `0 0 ${WIDTH} ${bottom + 22}`, role: "img", "aria-label": "One-rep max by equation, with the mean" },
    rows,
    svg("line", { x1: x(result.one_rep_max_kg), x2: x(result.one_rep_max_kg), y1: 0, y2: bottom + 2, class: "mark",
      "stroke-dasharray": "4 3" }),
    svg("text", { x: x(result.one_rep_max_kg), y: bottom + 16, "text-anchor": "middle", class: "mean" },
      `Mean ${result.one_rep_max_kg} kg`),
  );
}

function loadsChart(result) {
  const heaviest = Math.max(...result.loads.map((row) => row.load_kg));
  const left = 56;
  const plotWidth = WIDTH - left - 150;
  const rows = [...result.loads].reverse().map((row, index) =>
    svg(
      "g",
      { class: "load", "data-percent": row.percent },
      svg("text", { x: 0, y: index * ROW + 15 }, `${row.percent} %`),
      svg("rect", { x: left, y: index * ROW + 3, width: (row.load_kg / heaviest) * plotWidth, height: ROW - 8,
        rx: 3, fill: `var(--zone-${Math.min(5, Math.max(1, Math.ceil((row.percent - 50) / 10) || 1))})` }),
      svg("text", { x: left + (row.load_kg / heaviest) * plotWidth + 6, y: index * ROW + 15 },
        `${row.load_kg} kg × ${row.typical_reps}`),
    ),
  );
  return svg(
    "svg",
    { viewBox: `0 0 ${WIDTH} ${result.loads.length * ROW}`, role: "img",
      "aria-label": "Training loads by percent of one-rep max, with typical reps" },
    rows,
  );
}

function loadsSection(result) {
  return [
    html("h2", {}, `Training loads for a ${result.one_rep_max_kg} kg one-rep max`),
    html("p", { class: "note" }, "Load × typical reps (NSCA %1RM table; Epley below 65 %)."),
    loadsChart(result),
  ];
}

function render(result, app) {
  if ("loads" in result) {
    show(html("h1", {}, "Training loads"), ...loadsSection(result).slice(1));
    return;
  }
  const estimate = [
    html("h1", {}, `One-rep max from ${result.weight_kg} kg × ${result.reps}`),
    html("p", { class: "headline", "data-field": "one-rep-max" }, `${result.one_rep_max_kg} kg`),
    html("p", { class: "note" }, "The mean of seven equations:"),
    estimatesChart(result),
  ];
  show(...estimate);
  callTool(app, "calculate-training-loads", { one_rep_max_kg: result.one_rep_max_kg }).then(
    (loads) => show(...estimate, ...loadsSection(loads)),
    (error) => show(...estimate, html("p", { class: "error" }, error.message)),
  );
}

startView("fitness-strength", { render });
