// @ts-check
/**
 * The sketchlog chart components: every chart of `sketchlog serve` and `sketchlog report` is drawn
 * here by uPlot (the global `uPlot`, loaded before this module) from a JSON spec the server wrote into
 * the page: `<div class="chart" data-chart="<id>">` placeholders and one JSON element
 * `#chart-specs` of type application/json mapping each id to its spec. Plain ES module, no build step; type-checked by tsc
 * (tsconfig.ui.json) against uPlot's own types.
 */

/** @typedef {"count" | "integer" | "number" | "share" | "drift"} NumberFormat */
/** @typedef {{ label: string, values: Array<number | null>, color: string, fill?: string, dash?: boolean, width?: number }} SeriesSpec */
/**
 * @typedef {{ kind: "time", x: number[], format: NumberFormat, series: SeriesSpec[], bands?: Array<[number, number, string]>, height?: number, title?: string }} TimeSpec
 * @typedef {{ kind: "spark", x: number[], values: Array<number | null>, format: NumberFormat, color: string, height?: number }} SparkSpec
 * @typedef {{ kind: "histogram", edges: number[], format: NumberFormat, xFormat?: NumberFormat, series: SeriesSpec[], height?: number }} HistogramSpec
 * @typedef {{ kind: "bars", labels: string[], format: NumberFormat, series: SeriesSpec[], height?: number }} BarsSpec
 * @typedef {TimeSpec | SparkSpec | HistogramSpec | BarsSpec} ChartSpec
 */

const INTEGER_STEPS = [
  1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1e3, 2e3, 2.5e3, 5e3, 1e4, 2e4, 5e4, 1e5, 2e5, 5e5, 1e6, 2e6,
  5e6, 1e7, 2e7, 5e7, 1e8, 1e9, 1e10, 1e11, 1e12,
]
const grouped = new Intl.NumberFormat("en-US", { maximumFractionDigits: 0 })
const compact = new Intl.NumberFormat("en-US", { notation: "compact", maximumSignificantDigits: 3 })
const significant = new Intl.NumberFormat("en-US", { maximumSignificantDigits: 4 })

/**
 * A value as people read it: counts and integers whole with separators (compact past a million),
 * shares as percentages, other numbers to 4 significant digits with separators (49,090, never
 * 4.909e+4); scientific only for magnitudes below 0.0001.
 * @param {number | null | undefined} value
 * @param {NumberFormat} format
 * @returns {string}
 */
export const formatValue = (value, format) => {
  if (value === null || value === undefined || Number.isNaN(value)) return "—"
  if (!Number.isFinite(value)) return value > 0 ? "∞" : "−∞"
  const magnitude = Math.abs(value)
  switch (format) {
    case "share":
      return `${(value * 100).toFixed(magnitude >= 0.1 || magnitude === 0 ? 0 : magnitude >= 0.01 ? 1 : 2)}%`
    case "drift":
      return value.toFixed(2)
    case "count":
    case "integer":
      return magnitude >= 1e6 ? compact.format(value) : grouped.format(value)
    default:
      if (magnitude === 0) return "0"
      if (magnitude < 1e-4) return value.toExponential(1)
      return magnitude >= 1e6 ? compact.format(value) : significant.format(value)
  }
}

/** @param {NumberFormat} format */
const isWhole = (format) => format === "count" || format === "integer"

/**
 * The y range: a constant series sits mid-chart with room around it, counts start at 0, shares stay in [0, 1].
 * @param {NumberFormat} format
 * @returns {uPlot.Range.Function}
 */
const yRange = (format) => (_u, min, max) => {
  if (min === null || max === null || !Number.isFinite(min) || !Number.isFinite(max)) return [0, 1]
  if (format === "share") return [0, Math.max(max, 0.01) <= 1 ? Math.min(1, Math.max(max * 1.1, 0.01)) : max]
  if (min === max) {
    const pad = isWhole(format) ? Math.max(1, Math.ceil(Math.abs(min) * 0.1)) : Math.abs(min) * 0.1 || 1
    return [format === "count" && min >= 0 ? Math.max(0, min - pad) : min - pad, max + pad]
  }
  if (format === "count") return [0, max * 1.08]
  const pad = (max - min) * 0.08
  return [min - pad, max + pad]
}

/**
 * @param {NumberFormat} format
 * @param {boolean} show
 * @returns {uPlot.Axis}
 */
const valueAxis = (format, show = true) => ({
  show,
  size: 64,
  stroke: "#5b6473",
  grid: { stroke: "#eef0f3", width: 1 },
  ticks: { show: false },
  font: "11px system-ui, sans-serif",
  ...(isWhole(format) ? { incrs: INTEGER_STEPS } : {}),
  values: (_u, splits) => splits.map((v) => formatValue(v, format)),
})

const two = (/** @type {number} */ n) => String(n).padStart(2, "0")

/**
 * UTC tick labels: `16:00`, with the date (`12-07`) at midnight or when ticks are a day or more apart.
 * @type {uPlot.Axis.Values}
 */
const utcTicks = (_u, splits, _axis, _space, increment) =>
  splits.map((seconds) => {
    const d = new Date(seconds * 1000)
    const date = `${two(d.getUTCMonth() + 1)}-${two(d.getUTCDate())}`
    const time = `${two(d.getUTCHours())}:${two(d.getUTCMinutes())}`
    if (increment >= 86_400) return date
    return d.getUTCHours() === 0 && d.getUTCMinutes() === 0 ? `${date}\n${time}` : time
  })

/** @type {uPlot.Axis} */
const axisStyle = {
  stroke: "#5b6473",
  grid: { show: false },
  ticks: { stroke: "#d5d9e0", size: 4 },
  font: "11px system-ui, sans-serif",
}

/** @type {uPlot.Axis} */
const timeAxis = { ...axisStyle, values: utcTicks }

/**
 * @param {SeriesSpec} s
 * @param {NumberFormat} format
 * @returns {uPlot.Series}
 */
const lineSeries = (s, format) => ({
  label: s.label,
  stroke: s.color,
  width: s.width ?? 1.5,
  ...(s.fill === undefined ? {} : { fill: s.fill }),
  ...(s.dash === true ? { dash: [4, 3] } : {}),
  points: { show: false },
  spanGaps: false,
  value: (_u, v) => formatValue(v, format),
})

/**
 * @param {TimeSpec} spec
 * @param {number} width
 * @returns {[uPlot.Options, uPlot.AlignedData]}
 */
const timeChart = (spec, width) => {
  const x = spec.x.map((t) => t / 1000)
  /** @type {uPlot.Options} */
  const options = {
    width,
    height: spec.height ?? 220,
    tzDate: (ts) => uPlot.tzDate(new Date(ts * 1e3), "Etc/UTC"),
    scales: { x: { time: true }, y: { range: yRange(spec.format) } },
    axes: [timeAxis, valueAxis(spec.format)],
    series: [
      { label: "UTC", value: "{YYYY}-{MM}-{DD} {HH}:{mm}" },
      ...spec.series.map((s) => lineSeries(s, spec.format)),
    ],
    bands: (spec.bands ?? []).map(([upper, lower, fill]) => ({ series: [upper, lower], fill })),
    legend: { live: true },
    cursor: { drag: { x: false, y: false } },
  }
  return [options, [x, ...spec.series.map((s) => s.values)]]
}

/**
 * @param {SparkSpec} spec
 * @param {number} width
 * @returns {[uPlot.Options, uPlot.AlignedData]}
 */
const sparkChart = (spec, width) => {
  /** @type {uPlot.Options} */
  const options = {
    width,
    height: spec.height ?? 28,
    pxAlign: false,
    cursor: { show: false },
    select: { show: false, left: 0, top: 0, width: 0, height: 0 },
    legend: { show: false },
    scales: { x: { time: false }, y: { range: yRange(spec.format) } },
    axes: [{ show: false }, { show: false }],
    series: [{}, { stroke: spec.color, width: 1.25, fill: `${spec.color}22`, points: { show: false } }],
  }
  return [options, [spec.x.map((t) => t / 1000), spec.values]]
}

/**
 * Bars of the first series, the others as outlines over the same buckets (a reference).
 * @param {HistogramSpec} spec
 * @param {number} width
 * @returns {[uPlot.Options, uPlot.AlignedData]}
 */
const histogramChart = (spec, width) => {
  const bars = barPaths({ align: 1, size: [1, Number.POSITIVE_INFINITY], gap: 1 })
  const steps = stepPaths({ align: 1 })
  const edges = spec.edges
  const lastEdge = edges[edges.length - 1] ?? 0
  /** @type {uPlot.Options} */
  const options = {
    width,
    height: spec.height ?? 220,
    scales: { x: { time: false, range: () => [edges[0] ?? 0, lastEdge] }, y: { range: yRange(spec.format) } },
    axes: [
      { ...timeAxis, values: (_u, splits) => splits.map((v) => formatValue(v, "number")) },
      valueAxis(spec.format),
    ],
    series: [
      { label: "bucket from", value: (_u, v) => formatValue(v, "number") },
      ...spec.series.map((s, i) => ({
        ...lineSeries(s, spec.format),
        ...(i === 0 ? { paths: bars, fill: s.fill ?? `${s.color}bb`, width: 0 } : { paths: steps, width: 2 }),
      })),
    ],
    cursor: { drag: { x: false, y: false } },
  }
  // A histogram of n buckets has n + 1 edges: the last value repeats so the outline closes.
  const data = spec.series.map((s) => [...s.values, lastOf(s.values)])
  return [options, [edges, ...data]]
}

/**
 * uPlot's bar or step path builder (both ship in uPlot's standard build).
 * @param {Parameters<NonNullable<typeof uPlot.paths.bars>>[0]} options
 * @returns {uPlot.Series.PathBuilder}
 */
const barPaths = (options) => {
  const make = uPlot.paths.bars
  if (make === undefined) throw new Error("this uPlot build has no bar paths")
  return make(options)
}

/**
 * @param {Parameters<NonNullable<typeof uPlot.paths.stepped>>[0]} options
 * @returns {uPlot.Series.PathBuilder}
 */
const stepPaths = (options) => {
  const make = uPlot.paths.stepped
  if (make === undefined) throw new Error("this uPlot build has no step paths")
  return make(options)
}

/** @param {Array<number | null>} values */
const lastOf = (values) => values[values.length - 1] ?? null

/**
 * Grouped bars over named categories (frequent values, types): one bar per series side by side.
 * @param {BarsSpec} spec
 * @param {number} width
 * @returns {[uPlot.Options, uPlot.AlignedData]}
 */
const barsChart = (spec, width) => {
  const count = spec.series.length
  const labels = spec.labels.map((l) => (l.length > 18 ? `${l.slice(0, 17)}…` : l))
  /** @type {uPlot.Options} */
  const options = {
    width,
    height: spec.height ?? 220,
    scales: {
      x: { time: false, range: () => [-0.6, spec.labels.length - 0.4] },
      y: { range: yRange(spec.format) },
    },
    axes: [
      {
        ...axisStyle,
        incrs: [1],
        rotate: labels.length > 6 ? -30 : 0,
        size: labels.length > 6 ? 72 : 36,
        values: (_u, splits) => splits.map((i) => labels[i] ?? ""),
      },
      valueAxis(spec.format),
    ],
    legend: { live: false },
    series: [
      { label: "value", value: (_u, i) => spec.labels[i] ?? "" },
      ...spec.series.map((s, i) => ({
        ...lineSeries(s, spec.format),
        width: 0,
        fill: s.fill ?? s.color,
        // One series: centred bars; two: the first left of the tick, the second right of it.
        paths: barPaths({ size: [count === 1 ? 0.6 : 0.38, 80], align: count === 1 ? 0 : i === 0 ? -1 : 1 }),
      })),
    ],
    cursor: { drag: { x: false, y: false } },
  }
  return [options, [spec.labels.map((_l, i) => i), ...spec.series.map((s) => s.values)]]
}

/**
 * @param {ChartSpec} spec
 * @param {number} width
 * @returns {[uPlot.Options, uPlot.AlignedData]}
 */
const build = (spec, width) => {
  switch (spec.kind) {
    case "time":
      return timeChart(spec, width)
    case "spark":
      return sparkChart(spec, width)
    case "histogram":
      return histogramChart(spec, width)
    case "bars":
      return barsChart(spec, width)
  }
}

/**
 * Draws every chart of the page whose spec is in `#chart-specs`; marks each drawn element with
 * `data-points` (points per series) and `data-drawn`.
 * @param {ParentNode} root
 */
export const mountCharts = (root = document) => {
  const source = root.querySelector("#chart-specs")
  if (source === null) return
  /** @type {Record<string, ChartSpec>} */
  const specs = JSON.parse(source.textContent ?? "{}")
  /** @type {Array<[HTMLElement, uPlot]>} */
  const drawn = []
  for (const element of root.querySelectorAll("[data-chart]")) {
    if (!(element instanceof HTMLElement)) continue
    const spec = specs[element.dataset.chart ?? ""]
    if (spec === undefined) continue
    const width = Math.max(80, element.clientWidth)
    const [options, data] = build(spec, width)
    const plot = new uPlot(options, data, element)
    element.dataset.points = String(data[0].length)
    element.dataset.filled = String(
      Array.from(data[1] ?? []).filter((v) => v !== null && v !== undefined).length,
    )
    element.dataset.drawn = spec.kind
    drawn.push([element, plot])
  }
  const resize = () => {
    for (const [element, plot] of drawn) {
      const width = Math.max(80, element.clientWidth)
      if (Math.abs(width - plot.width) > 2) plot.setSize({ width, height: plot.height })
    }
  }
  let pending = 0
  window.addEventListener("resize", () => {
    cancelAnimationFrame(pending)
    pending = requestAnimationFrame(resize)
  })
}
