import { readdir, readFile, stat } from "node:fs/promises"
import { join, relative } from "node:path"
import { DatasetProfileView } from "@sketchlog/core"

/** A profile read back from disk. */
export interface ProfileFile {
  /** Path relative to the folder searched. */
  readonly file: string
  readonly view: DatasetProfileView
  /** File mode bits (`& 0o777`). */
  readonly mode: number
}

/** Every file under `dir` (recursively; hidden folders too when `hidden`), relative paths. */
export const listFiles = async (dir: string, hidden = true): Promise<string[]> => {
  const out: string[] = []
  const walk = async (at: string) => {
    let entries: Array<{ name: string; isDirectory(): boolean }>
    try {
      entries = await readdir(at, { withFileTypes: true })
    } catch {
      return
    }
    for (const entry of entries) {
      if (!hidden && entry.name.startsWith(".")) continue
      const path = join(at, entry.name)
      if (entry.isDirectory()) await walk(path)
      else out.push(relative(dir, path))
    }
  }
  await walk(dir)
  return out.sort()
}

/**
 * The profiles a `LocalWriter` wrote under `dir` (`<dataset>/<bucket>[__<segment>].bin`), each read
 * back with `DatasetProfileView.read`; the outbox (`.outbox/`) is left out (see `outboxRows`).
 */
export const readProfiles = async (dir: string): Promise<ProfileFile[]> => {
  const files = (await listFiles(dir, false)).filter((f) => f.endsWith(".bin"))
  return Promise.all(
    files.map(async (file) => ({
      file,
      view: DatasetProfileView.deserialize(await readFile(join(dir, file))),
      mode: (await stat(join(dir, file))).mode & 0o777,
    })),
  )
}

/** The rows an HTTP profile holds: `counts/n` of `http.method`, a column every exchange row fills. */
export const httpRows = (view: DatasetProfileView): number => view.getColumn("http.method")?.counts?.n ?? 0

/** Σ rows over `views`, grouped by `key` (e.g. the dataset, from the file's folder). */
export const rowsBy = <T>(items: ReadonlyArray<T>, key: (item: T) => string, rows: (item: T) => number) => {
  const out: Record<string, number> = {}
  for (const item of items) out[key(item)] = (out[key(item)] ?? 0) + rows(item)
  return out
}

/** What waits in an outbox folder: entries, rows, and rows by dataset (from the `<id>.json` sidecars). */
export interface OutboxContents {
  readonly entries: number
  readonly rows: number
  readonly byDataset: Readonly<Record<string, number>>
}

/** The profiles waiting in the outbox under `dir` (quarantined `corrupt/` entries left out). */
export const outboxRows = async (dir: string): Promise<OutboxContents> => {
  const sidecars = (await listFiles(dir)).filter((f) => f.endsWith(".json") && !f.includes("corrupt"))
  let rows = 0
  const byDataset: Record<string, number> = {}
  for (const file of sidecars) {
    const entry = JSON.parse(await readFile(join(dir, file), "utf8")) as { rows: number; datasetId: string }
    rows += entry.rows
    byDataset[entry.datasetId] = (byDataset[entry.datasetId] ?? 0) + entry.rows
  }
  return { entries: sidecars.length, rows, byDataset }
}

/** Σ of the values of a record. */
export const total = (counts: Readonly<Partial<Record<string, number>>>): number =>
  Object.values(counts).reduce<number>((a, b) => a + (b ?? 0), 0)
