/**
 * @sketchlog/cli — the `sketchlog` command, runnable in-process (`run`), and the HTML profile report
 * (`renderReport`) for programs that want the page without the command.
 */
export type { CliIo } from "./cli/CliIo.js"
export { processIo } from "./cli/CliIo.js"
export { ExitCode } from "./cli/ExitCode.js"
export type { FrequentBar } from "./report/charts/FrequentChart.js"
export type { HistogramData } from "./report/charts/HistogramChart.js"
export type { QuantilePoint } from "./report/charts/QuantileBandsChart.js"
export { ReportInputError } from "./report/ReportError.js"
export {
  buildReportModel,
  type ColumnModel,
  type ReportModel,
  type ReportOptions,
} from "./report/ReportModel.js"
export { renderReport, renderReportModel } from "./report/renderReport.js"
export { run } from "./run.js"
