import { readdir } from "node:fs/promises"
import { join } from "node:path"
import { DatasetProfileView } from "@sketchlog/core"

/** One `.bin` file a test's profile directory holds. */
export interface WrittenProfile {
  readonly dataset: string
  readonly file: string
  readonly view: DatasetProfileView
}

/** Every profile under `dir` (`<dir>/<dataset>/<bucket>[.<segment>].bin`), read back from its bytes. */
export const readProfiles = async (dir: string): Promise<ReadonlyArray<WrittenProfile>> => {
  const out: Array<WrittenProfile> = []
  let datasets: Array<string>
  try {
    datasets = (await readdir(dir, { withFileTypes: true }))
      .filter((e) => e.isDirectory() && !e.name.startsWith("."))
      .map((e) => e.name)
  } catch {
    return out
  }
  for (const dataset of datasets) {
    for (const name of await readdir(join(dir, dataset))) {
      if (!name.endsWith(".bin")) continue
      const file = join(dir, dataset, name)
      out.push({ dataset, file, view: await DatasetProfileView.read(file) })
    }
  }
  return out
}

/** A segment's values as `"<method> <route>"` (the default segmentation), or `""` when unsegmented. */
export const segmentKey = (view: DatasetProfileView): string => {
  const segment = view.segment
  if (segment === undefined) return ""
  const value = (column: string) => segment.values[segment.columns.indexOf(column)] ?? "?"
  return `${value("http.method")} ${value("http.route")}`
}

/** `counts/n` of a column in one view (0 when the view lacks the column). */
export const countOf = (view: DatasetProfileView, column: string): number => {
  const n = view.getColumn(column)?.summary()["counts/n"]
  return typeof n === "number" ? n : 0
}

/**
 * Σ counts/n of `column` per segment key over the profiles of `dataset`: the number of rows each
 * segment received, summed over time buckets and files.
 */
export const rowsBySegment = (
  profiles: ReadonlyArray<WrittenProfile>,
  dataset: string,
  column = "http.status",
): Record<string, number> => {
  const out: Record<string, number> = {}
  for (const p of profiles) {
    if (p.dataset !== dataset) continue
    const key = segmentKey(p.view)
    out[key] = (out[key] ?? 0) + countOf(p.view, column)
  }
  return out
}

/** The merged view of one segment of a dataset (all its buckets). */
export const segmentView = (
  profiles: ReadonlyArray<WrittenProfile>,
  dataset: string,
  key: string,
): DatasetProfileView | undefined =>
  profiles
    .filter((p) => p.dataset === dataset && segmentKey(p.view) === key)
    .map((p) => p.view)
    .reduce<DatasetProfileView | undefined>((a, b) => (a === undefined ? b : a.merge(b)), undefined)

/** The frequent strings of a column (item → estimate). */
export const frequentItems = (
  view: DatasetProfileView | undefined,
  column: string,
): Record<string, number> => {
  const items = view?.getColumn(column)?.summary()["frequent_items/frequent_strings"]
  const out: Record<string, number> = {}
  if (Array.isArray(items)) for (const item of items) out[item.value] = item.est
  return out
}
