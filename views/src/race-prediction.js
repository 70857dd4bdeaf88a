// predict-race-time: Riegel's curve across the standard race distances, with the given result and the prediction
// marked. Every point on the curve is the server's own prediction (predict-race-time at that distance).
import { callTool, clock, html, show, startView, svg, table } from "./shared/view.js";

const TOOL = "predict-race-time";
const STANDARD_DISTANCES = [
  [1500, "1500 m"],
  [1609.344, "Mile"],
  [3000, "3000 m"],
  [5000, "5 km"],
  [10000, "10 km"],
  [21097.5, "Half marathon"],
  [42195, "Marathon"],
];
const WIDTH = 640;
const HEIGHT = 300;
const MARGIN = { left: 64, right: 24, top: 24, bottom: 44 };
let given = null;

function distanceName(metres) {
  const standard = STANDARD_DISTANCES.find(([distance]) => distance === metres);
  return standard ? standard[1] : `${metres} m`;
}

function curveChart(points, givenPoint, predicted) {
  const distances = points.map((point) => point.distance);
  const times = points.map((point) => point.time);
  const minDistance = Math.min(...distances);
  const maxDistance = Math.max(...distances);
  const maxTime = Math.max(...times);
  const plotWidth = WIDTH - MARGIN.left - MARGIN.right;
  const plotHeight = HEIGHT - MARGIN.top - MARGIN.bottom;
  // Distances on a log axis, so that 1500 m and the marathon both have room.
  const x = (distance) =>
    MARGIN.left + (Math.log(distance / minDistance) / Math.log(maxDistance / minDistance || 2)) * plotWidth;
  const y = (time) => MARGIN.top + plotHeight - (time / maxTime) * plotHeight;
  const line = points.map((point) => `${x(point.distance).toFixed(1)},${y(point.time).toFixed(1)}`).join(" ");
  const ticks = STANDARD_DISTANCES.filter(([distance]) => distance !== 1609.344).map(([distance, name]) =>
    svg("text", { x: x(distance), y: HEIGHT - MARGIN.bottom + 18, "text-anchor": "middle", class: "muted" }, name),
  );
  const marker = (point, label, shape, anchor) =>
    svg(
      "g",
      { class: `marker ${shape}` },
      shape === "given"
        ? svg("circle", { cx: x(point.distance), cy: y(point.time), r: 6, fill: "var(--accent)" })
        : svg("rect", { x: x(point.distance) - 6, y: y(point.time) - 6, width: 12, height: 12,
            fill: "var(--zone-5)", transform: `rotate(45 ${x(point.distance)} ${y(point.time)})` }),
      svg("text", { x: x(point.distance) + (anchor === "end" ? -10 : 10),
        y: y(point.time) + (shape === "given" ? 22 : -10), "text-anchor": anchor }, label),
    );
  return svg(
    "svg",
    { viewBox: `0 0 ${WIDTH} ${HEIGHT}`, role: "img", "aria-label": "Riegel race-time curve" },
    svg("line", { x1: MARGIN.left, x2: WIDTH - MARGIN.right, y1: y(0), y2: y(0), class: "axis" }),
    svg("line", { x1: MARGIN.left, x2: MARGIN.left, y1: MARGIN.top, y2: y(0), class: "axis" }),
    svg("text", { x: MARGIN.left - 8, y: MARGIN.top + 4, "text-anchor": "end", class: "muted" }, clock(maxTime)),
    svg("text", { x: MARGIN.left - 8, y: y(0), "text-anchor": "end", class: "muted" }, "0:00"),
    ticks,
    svg("polyline", { points: line, fill: "none", stroke: "var(--accent)", "stroke-width": 2, class: "curve" }),
    marker(givenPoint, `Your ${distanceName(givenPoint.distance)}: ${clock(givenPoint.time)}`, "given",
      givenPoint.distance > predicted.distance ? "end" : "start"),
    marker(predicted, `Predicted ${distanceName(predicted.distance)}: ${clock(predicted.time)}`, "predicted",
      predicted.distance > givenPoint.distance ? "end" : "start"),
  );
}

async function render(result, app) {
  const headline = [
    html("h1", {}, `Predicted ${distanceName(result.target_distance_m)}`),
    html("p", { class: "headline", "data-field": "predicted" }, clock(result.predicted_time_s)),
    html("p", { class: "note" }, `${clock(result.pace_s_per_km)} per km · Riegel exponent ${result.exponent}`),
  ];
  show(...headline, html("p", { class: "waiting" }, "Drawing the curve…"));
  if (!given) return;
  const ask = (target) =>
    callTool(app, TOOL, { ...given, target_distance_m: target, exponent: result.exponent });
  try {
    const atGiven = await ask(given.distance_m);
    const curve = await Promise.all(STANDARD_DISTANCES.map(([distance]) => ask(distance)));
    const points = [...curve, atGiven, result]
      .map((prediction) => ({ distance: prediction.target_distance_m, time: prediction.predicted_time_s,
        pace: prediction.pace_s_per_km }))
      .sort((a, b) => a.distance - b.distance);
    const givenPoint = { distance: atGiven.target_distance_m, time: atGiven.predicted_time_s };
    const predicted = { distance: result.target_distance_m, time: result.predicted_time_s };
    show(
      ...headline,
      curveChart(points, givenPoint, predicted),
      table(
        ["Distance", "Time", "Pace per km"],
        curve.map((prediction) => [distanceName(prediction.target_distance_m), clock(prediction.predicted_time_s),
          clock(prediction.pace_s_per_km)]),
        [1, 2],
      ),
    );
  } catch (error) {
    show(...headline, html("p", { class: "error" }, error.message));
  }
}

startView("fitness-race-prediction", {
  onInput: (args) => {
    given = { distance_m: args.distance_m, time_s: args.time_s };
  },
  render,
});
