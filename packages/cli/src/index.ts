/**
 * @sketchlog/cli — the `sketchlog` command, runnable in-process (`run`), and the HTML profile report
 * (`renderReport`) for programs that want the page without the command.
 */
export type { CliIo } from "./cli/CliIo.js"
export { processIo } from "./cli/CliIo.js"
export { ExitCode } from "./cli/ExitCode.js"
export { ReportInputError } from "./report/ReportError.js"
export {
  buildReportModel,
  type ColumnModel,
  type QuantilePoint,
  type ReportModel,
  type ReportOptions,
  type ReportSection,
} from "./report/ReportModel.js"
export { renderReport, renderReportModel } from "./report/renderReport.js"
export { run } from "./run.js"
