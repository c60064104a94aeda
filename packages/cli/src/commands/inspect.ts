import type { DatasetProfileView } from "@sketchlog/core"
import type { SummaryValue } from "@sketchlog/core/profile"
import type { Command } from "commander"
import type { CliContext } from "../cli/CliContext.js"
import { usageError } from "../cli/CliError.js"
import { writeLine } from "../cli/CliIo.js"
import { pathsOrDefault } from "../cli/defaultProfileDir.js"
import { parseList } from "../cli/options.js"
import { renderCsv } from "../format/csv.js"
import { formatCount, formatNumber, formatPercent, formatTime } from "../format/numbers.js"
import { printable, truncate } from "../format/printable.js"
import { renderTextTable } from "../format/TextTable.js"
import { columnFacts, rowCount } from "../profiles/ColumnFacts.js"
import { mergeAll } from "../profiles/ProfileFiles.js"
import { readInputs, type StoreArguments } from "../profiles/StoreInput.js"

interface InspectOptions extends StoreArguments {
  readonly json?: boolean
  readonly csv?: boolean
  readonly columns?: ReadonlyArray<string>
  readonly full?: boolean
  readonly merge?: boolean
}

/** A profile to show: where it came from and the columns asked for. */
interface Shown {
  readonly label: string
  readonly files: ReadonlyArray<string>
  readonly view: DatasetProfileView
  readonly columns: ReadonlyArray<string>
}

/** `sketchlog inspect`: the summary of each profile, as a table, JSON or CSV. */
export const registerInspect = (program: Command, context: CliContext): Command =>
  program
    .command("inspect")
    .summary("show the summary of profiles (.bin files or directories)")
    .description(
      "Show each profile's columns with whylogs' summary fields: counts, types, distribution, cardinality and frequent values. Works on whylogs-written profiles too.",
    )
    .argument(
      "[paths...]",
      "profile files, directories searched for .bin files, or stores (s3://bucket/prefix); default: $SKETCHLOG_PROFILE_DIR, else ./sketchlog-profiles",
    )
    .option("--json", "print JSON: { profiles: [{ file, datasetTimestamp, …, columns: { name: summary } }] }")
    .option("--csv", "print CSV: one row per column of each profile, every summary field")
    .option("--columns <names>", "only these columns (comma-separated, repeatable)", parseList)
    .option("--full", "print every summary field, one table per column")
    .option("--merge", "merge all the profiles into one before showing it")
    .action(async (paths: string[], options: InspectOptions) => {
      if (options.json === true && options.csv === true) throw usageError("choose one of --json and --csv")
      const files = await readInputs([...(await pathsOrDefault(paths, context))], options, context)
      const groups: Array<{ label: string; files: string[]; view: DatasetProfileView }> =
        options.merge === true
          ? [
              {
                label: `${files.length} merged profile${files.length === 1 ? "" : "s"}`,
                files: files.map((f) => f.path),
                view: mergeAll(files.map((f) => f.view)),
              },
            ]
          : files.map((f) => ({ label: f.path, files: [f.path], view: f.view }))
      const wanted = options.columns
      if (wanted !== undefined) {
        const missing = wanted.filter((name) => !groups.some((g) => g.view.columns.has(name)))
        if (missing.length > 0) {
          const known = [...new Set(groups.flatMap((g) => g.view.columnNames))]
          throw usageError(
            `no column ${missing.map((m) => JSON.stringify(m)).join(", ")} in the profiles (columns: ${truncate(known.join(", "), 200)})`,
          )
        }
      }
      const shown: Shown[] = groups.map((g) => ({
        ...g,
        columns:
          wanted === undefined ? g.view.columnNames : wanted.filter((name) => g.view.columns.has(name)),
      }))
      const out = context.io.stdout
      if (options.json === true) writeLine(out, JSON.stringify({ profiles: shown.map(toJson) }, null, 2))
      else if (options.csv === true) out.write(toCsv(shown))
      else writeLine(out, shown.map((s) => toText(s, options.full === true)).join("\n\n"))
    })

const toJson = (shown: Shown): Record<string, unknown> => {
  const json = shown.view.toJSON()
  const all = json.columns as Record<string, unknown>
  const columns: Record<string, unknown> = {}
  for (const name of shown.columns)
    Object.defineProperty(columns, name, { value: all[name], enumerable: true })
  return {
    ...(shown.files.length === 1 ? { file: shown.files[0] } : { files: shown.files }),
    ...json,
    columns,
  }
}

const csvValue = (value: SummaryValue | undefined): string =>
  value === undefined || value === null
    ? ""
    : typeof value === "object"
      ? JSON.stringify(value)
      : String(value)

const toCsv = (shown: ReadonlyArray<Shown>): string => {
  // One CSV row per column of each profile: its summary row (the shape of `--json`'s `columns`).
  const rows = shown.flatMap((s) => {
    const summary = s.view.summary()
    return s.columns.map((column) => ({ file: s.files.join(";"), column, row: summary[column] ?? {} }))
  })
  const fields = [...new Set(rows.flatMap(({ row }) => Object.keys(row)))].sort()
  return renderCsv(
    ["file", "column", ...fields],
    rows.map(({ file, column, row }) => [file, column, ...fields.map((key) => csvValue(row[key]))]),
  )
}

const describeView = (view: DatasetProfileView): string => {
  const parts = [
    `dataset time ${formatTime(view.datasetTimestamp)}`,
    formatCount(view.columns.size, "column"),
    formatCount(rowCount(view.columns.values()), "row"),
  ]
  if (view.segment !== undefined) {
    parts.push(`segment ${view.segment.tags.map(({ key, value }) => `${key}=${value}`).join(", ")}`)
  }
  const tags = Object.entries(view.tags)
  if (tags.length > 0) parts.push(`tags ${tags.map(([k, v]) => `${k}=${v}`).join(", ")}`)
  return printable(parts.join(" · "))
}

/** A frequent value for the terminal: escaped, and `""` for the empty string, which would print as nothing. */
const valueText = (value: string): string => (value === "" ? '""' : printable(value))

const topText = (facts: ReturnType<typeof columnFacts>): string =>
  facts.topValues === undefined || facts.topValues.length === 0
    ? ""
    : facts.topValues
        .slice(0, 3)
        .map((item) => `${truncate(valueText(item.value), 16)} (${formatNumber(item.est)})`)
        .join(", ")

const toText = (shown: Shown, full: boolean): string => {
  const { view } = shown
  const rows = shown.columns.map((name) => {
    const facts = columnFacts(view.getColumn(name)!)
    return [
      truncate(printable(name), 40),
      facts.type,
      formatNumber(facts.count),
      formatPercent(facts.nullRatio),
      formatNumber(facts.distinct === undefined ? undefined : Math.round(facts.distinct)),
      formatNumber(facts.mean),
      formatNumber(facts.stddev),
      formatNumber(facts.min),
      formatNumber(facts.median),
      formatNumber(facts.max),
      topText(facts),
    ]
  })
  const overview = renderTextTable(
    [
      { header: "column" },
      { header: "type" },
      { header: "count", align: "right" },
      { header: "null", align: "right" },
      { header: "distinct", align: "right" },
      { header: "mean", align: "right" },
      { header: "stddev", align: "right" },
      { header: "min", align: "right" },
      { header: "median", align: "right" },
      { header: "max", align: "right" },
      { header: "top values" },
    ],
    rows,
  )
  const blocks = [`${printable(shown.label)}\n${describeView(view)}`, overview]
  if (full) {
    for (const name of shown.columns) {
      const summary = view.getColumn(name)!.summary()
      blocks.push(
        `${printable(name)}\n${renderTextTable(
          [{ header: "field" }, { header: "value", align: "right" }],
          Object.entries(summary).map(([field, value]) => [field, fullValue(value)]),
        )}`,
      )
    }
  }
  return blocks.join("\n\n")
}

const fullValue = (value: SummaryValue): string => {
  if (value === null) return "—"
  if (typeof value === "number") return formatNumber(value)
  if (typeof value === "string") return printable(value)
  return truncate(value.map((item) => `${valueText(item.value)} (${formatNumber(item.est)})`).join(", "), 120)
}
