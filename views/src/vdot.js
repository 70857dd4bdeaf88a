// calculate-vdot: the VDOT, the five training paces as a chart and a table (per km from the result, per mile from
// the server's convert-pace), and the equivalent race times.
import { callTool, clock, html, show, startView, svg, table } from "./shared/view.js";

const PACES = [
  ["easy", "Easy"],
  ["marathon", "Marathon"],
  ["threshold", "Threshold"],
  ["interval", "Interval"],
  ["repetition", "Repetition"],
];
// The result's keys (metres) and the names runners use for them.
const RACES = [
  ["1500", "1500 m"],
  ["1609.344", "Mile"],
  ["3000", "3000 m"],
  ["5000", "5 km"],
  ["10000", "10 km"],
  ["21097.5", "Half marathon"],
  ["42195", "Marathon"],
];
const WIDTH = 640;
const ROW = 28;

function pacesChart(paces) {
  const values = PACES.map(([key]) => paces[key]);
  const slowest = Math.max(...values);
  const fastest = Math.min(...values);
  const left = 100;
  const plotWidth = WIDTH - left - 100;
  // Faster paces draw longer bars: the axis runs from a little slower than the slowest pace to the fastest.
  const start = slowest + (slowest - fastest) * 0.25 + 1;
  const length = (pace) => ((start - pace) / (start - fastest)) * plotWidth;
  const rows = PACES.map(([key, name], index) => {
    const top = index * ROW;
    return svg(
      "g",
      { class: "pace", "data-pace": key },
      svg("text", { x: 0, y: top + 15 }, name),
      svg("rect", { x: left, y: top + 2, width: Math.max(length(paces[key]), 2), height: ROW - 10, rx: 4,
        fill: `var(--zone-${index + 1})` }),
      svg("text", { x: left + length(paces[key]) + 6, y: top + 15 }, `${clock(paces[key])} /km`),
    );
  });
  return svg("svg", { viewBox: `0 0 ${WIDTH} ${PACES.length * ROW}`, role: "img",
    "aria-label": "Training paces per kilometre, faster to the right" }, rows);
}

function render(result, app) {
  const paces = result.training_paces_s_per_km;
  const perMile = PACES.map(([key]) => html("td", { class: "number", "data-mile": key }, "…"));
  const pacesTable = table(["Pace", "per km", "per mile"], [], [1, 2]);
  PACES.forEach(([key, name], index) => {
    pacesTable.tBodies[0].append(
      html("tr", {}, html("td", {}, name), html("td", { class: "number" }, clock(paces[key])), perMile[index]),
    );
  });
  show(
    html("h1", {}, "VDOT"),
    html("p", { class: "headline", "data-field": "vdot" }, String(result.vdot)),
    html("p", { class: "note" }, "Daniels & Gilbert; training paces from Daniels' Running Formula."),
    html("h2", {}, "Training paces"),
    pacesChart(paces),
    pacesTable,
    html("h2", {}, "Equivalent race times"),
    table(
      ["Race", "Time"],
      RACES.filter(([key]) => key in result.equivalent_times_s).map(([key, name]) => [
        name,
        clock(result.equivalent_times_s[key]),
      ]),
      [1],
    ),
  );
  // A pace per mile is the server's conversion (convert-pace), like every other number here.
  PACES.forEach(([key], index) => {
    callTool(app, "convert-pace", { pace_s_per_km: paces[key] }).then(
      (conversion) => {
        perMile[index].textContent = `${clock(conversion.pace_s_per_mile)} /mi`;
      },
      () => {
        perMile[index].textContent = "—";
      },
    );
  });
}

startView("fitness-vdot", { render });
