import type { DatasetProfileView } from "@sketchlog/core"
import {
  type ColumnDrift,
  compareProfiles,
  type DriftOptions,
  type DriftVerdict,
  type ProfileDrift,
} from "@sketchlog/core/drift"
import { type Command, Option } from "commander"
import type { CliContext } from "../cli/CliContext.js"
import { writeLine } from "../cli/CliIo.js"
import { ExitCode } from "../cli/ExitCode.js"
import { parseFraction } from "../cli/options.js"
import { formatCount, formatNumber, formatTime } from "../format/numbers.js"
import { printable, truncate } from "../format/printable.js"
import { renderTextTable } from "../format/TextTable.js"
import { rowCount } from "../profiles/ColumnFacts.js"
import { mergeAll, type ProfileFile } from "../profiles/ProfileFiles.js"
import { readInputs, type StoreArguments } from "../profiles/StoreInput.js"

interface DiffOptions extends StoreArguments {
  readonly json?: boolean
  readonly thresholdHellinger?: number
  readonly possibleHellinger?: number
  readonly thresholdKs?: number
  readonly possibleKs?: number
  readonly failOn: "drift" | "possible" | "never"
}

/** Which verdicts make `diff` exit 1. */
const failing: Record<DiffOptions["failOn"], ReadonlyArray<DriftVerdict>> = {
  drift: ["DRIFT"],
  possible: ["DRIFT", "POSSIBLE_DRIFT"],
  never: [],
}

/** `sketchlog diff`: per-column drift of a target against a baseline, exit 1 when drift is found. */
export const registerDiff = (program: Command, context: CliContext): Command =>
  program
    .command("diff")
    .summary("per-column drift between a baseline and a target profile")
    .description(
      "Compare a target profile with a baseline, column by column, with the tests of whylogs' drift report: the Hellinger distance on KLL histograms (numbers) or on frequent values (categories), and the Kolmogorov–Smirnov test on the CDFs (numbers). A column's verdict is the most severe of its tests. Exits 1 when a column's verdict is DRIFT (see --fail-on).",
    )
    .argument(
      "<baseline>",
      "the baseline profile (a .bin file, or a directory or store whose profiles are merged)",
    )
    .argument(
      "<target>",
      "the target profile (a .bin file, or a directory or store whose profiles are merged)",
    )
    .option("--json", "print the comparison as JSON")
    .option(
      "--threshold-hellinger <distance>",
      "Hellinger distance at or above which a column drifted (default 0.4)",
      parseFraction,
    )
    .option(
      "--possible-hellinger <distance>",
      "Hellinger distance at or above which drift is possible (default 0.15)",
      parseFraction,
    )
    .option(
      "--threshold-ks <p-value>",
      "KS p-value below which a column drifted (default 0.05)",
      parseFraction,
    )
    .option(
      "--possible-ks <p-value>",
      "KS p-value below which drift is possible (default 0.15)",
      parseFraction,
    )
    .addOption(
      new Option("--fail-on <verdict>", "which verdicts make the exit code 1")
        .choices(["drift", "possible", "never"])
        .default("drift"),
    )
    .action(async (baselinePath: string, targetPath: string, options: DiffOptions) => {
      const baselineFiles = await readInputs([baselinePath], options, context)
      const targetFiles = await readInputs([targetPath], options, context)
      const baseline = mergeAll(baselineFiles.map((f) => f.view))
      const target = mergeAll(targetFiles.map((f) => f.view))
      const driftOptions: DriftOptions = {
        hellinger: { drift: options.thresholdHellinger, possible: options.possibleHellinger },
        ks: { drift: options.thresholdKs, possible: options.possibleKs },
      }
      const drift = compareProfiles(baseline, target, driftOptions)
      const failed = drift.columns.some(
        (c) => c.verdict !== undefined && failing[options.failOn].includes(c.verdict),
      )
      const out = context.io.stdout
      if (options.json === true) {
        writeLine(
          out,
          JSON.stringify(
            {
              baseline: side(baselineFiles, baseline),
              target: side(targetFiles, target),
              thresholds: drift.thresholds,
              verdict: drift.verdict,
              counts: drift.counts,
              failOn: options.failOn,
              failed,
              columns: drift.columns.map(columnJson),
            },
            null,
            2,
          ),
        )
      } else {
        writeLine(out, toText(baselineFiles, baseline, targetFiles, target, drift))
      }
      if (failed) context.exitCode = ExitCode.failure
    })

const side = (files: ReadonlyArray<ProfileFile>, view: DatasetProfileView) => ({
  files: files.map((f) => f.path),
  datasetTimestamp: formatTime(view.datasetTimestamp),
  rows: rowCount(view.columns.values()),
})

/** JSON has no NaN or Infinity: such numbers become null. */
const finite = (value: number): number | null => (Number.isFinite(value) ? value : null)

const columnJson = (c: ColumnDrift) => ({
  column: c.column,
  kind: c.kind,
  verdict: c.verdict ?? null,
  hellinger:
    c.hellinger === undefined
      ? null
      : {
          distance: finite(c.hellinger.distance),
          buckets: c.hellinger.buckets,
          verdict: c.hellinger.verdict,
        },
  ks:
    c.ks === undefined
      ? null
      : {
          statistic: finite(c.ks.statistic),
          pValue: finite(c.ks.pValue),
          effectiveN: c.ks.effectiveN,
          verdict: c.ks.verdict,
        },
  reason: c.reason ?? null,
})

const describeSide = (files: ReadonlyArray<ProfileFile>, view: DatasetProfileView): string => {
  const name = files.length === 1 ? files[0]!.path : `${files.length} merged profiles`
  return printable(
    `${name} (${formatTime(view.datasetTimestamp)}, ${formatCount(rowCount(view.columns.values()), "row")})`,
  )
}

const VERDICT_TEXT: Record<DriftVerdict, string> = {
  NO_DRIFT: "no drift",
  POSSIBLE_DRIFT: "POSSIBLE DRIFT",
  DRIFT: "DRIFT",
}

const pValueText = (p: number): string => (p > 0 && p < 1e-4 ? p.toExponential(1) : formatNumber(p))

const toText = (
  baselineFiles: ReadonlyArray<ProfileFile>,
  baseline: DatasetProfileView,
  targetFiles: ReadonlyArray<ProfileFile>,
  target: DatasetProfileView,
  drift: ProfileDrift,
): string => {
  const rows = drift.columns.map((c) => [
    truncate(printable(c.column), 40),
    c.kind,
    c.hellinger === undefined ? "—" : c.hellinger.distance.toFixed(3),
    c.ks === undefined ? "—" : c.ks.statistic.toFixed(3),
    c.ks === undefined ? "—" : pValueText(c.ks.pValue),
    c.verdict === undefined ? `not compared: ${c.reason ?? ""}` : VERDICT_TEXT[c.verdict],
  ])
  const table = renderTextTable(
    [
      { header: "column" },
      { header: "compared as" },
      { header: "hellinger", align: "right" },
      { header: "ks D", align: "right" },
      { header: "ks p-value", align: "right" },
      { header: "verdict" },
    ],
    rows,
  )
  const { hellinger, ks } = drift.thresholds
  const counts = drift.counts
  const summary =
    `${counts.DRIFT} drifted, ${counts.POSSIBLE_DRIFT} possible, ${counts.NO_DRIFT} no drift` +
    (counts.untested > 0 ? `, ${counts.untested} not compared` : "") +
    ` (drift: Hellinger ≥ ${hellinger.drift} or KS p < ${ks.drift}; possible: Hellinger ≥ ${hellinger.possible} or KS p < ${ks.possible})`
  return [
    `baseline  ${describeSide(baselineFiles, baseline)}`,
    `target    ${describeSide(targetFiles, target)}`,
    "",
    table,
    "",
    summary,
  ].join("\n")
}
