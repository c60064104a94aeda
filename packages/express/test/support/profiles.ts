import { readdir, readFile } from "node:fs/promises"
import { join } from "node:path"
import { DatasetProfileView } from "@sketchlog/core"

/** A profile file the middleware wrote, read back with `DatasetProfileView`. */
export interface WrittenProfile {
  readonly file: string
  readonly bytes: Uint8Array
  readonly view: DatasetProfileView
  /** The segment's `http.route` and `http.method` values (undefined when unsegmented). */
  readonly route: string | undefined
  readonly method: string | undefined
}

/** Every `.bin` profile under `<dir>/<dataset>/` (the outbox excluded). */
export const readWrittenProfiles = async (dir: string, datasetId: string): Promise<Array<WrittenProfile>> => {
  const folder = join(dir, datasetId)
  const files = (await readdir(folder)).filter((f) => f.endsWith(".bin")).sort()
  return Promise.all(
    files.map(async (file) => {
      const bytes = new Uint8Array(await readFile(join(folder, file)))
      const view = DatasetProfileView.deserialize(bytes)
      const tagValue = (column: string) => {
        const i = view.segment?.columns.indexOf(column) ?? -1
        return i === -1 ? undefined : view.segment!.values[i]
      }
      return { file, bytes, view, route: tagValue("http.route"), method: tagValue("http.method") }
    }),
  )
}

/** `counts/n` of a column (0 when the profile lacks it). */
export const countOf = (view: DatasetProfileView, column: string): number =>
  view.getColumn(column)?.counts?.n ?? 0

/** Rows per segment, `"<METHOD> <route>"` → Σ `counts/n` of `http.status` over the files of that segment (manual rows carry only the segment columns, so they are not counted). */
export const rowsBySegment = (profiles: ReadonlyArray<WrittenProfile>): Map<string, number> => {
  const rows = new Map<string, number>()
  for (const p of profiles) {
    const key = `${p.method} ${p.route}`
    rows.set(key, (rows.get(key) ?? 0) + countOf(p.view, "http.status"))
  }
  return rows
}
