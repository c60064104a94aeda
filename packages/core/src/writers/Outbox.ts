import { randomBytes } from "node:crypto"
import { mkdir, open, readdir, readFile, rename, stat, unlink } from "node:fs/promises"
import { join, resolve } from "node:path"
import { Data, Effect } from "effect"
import { causeText } from "../internal/causeText.js"
import { DatasetProfileView } from "../profile/DatasetProfileView.js"
import { ProfileSegment } from "../profile/Segment.js"
import { TimeBucket, type TimeGranularity, timeGranularities } from "../profile/TimeBucket.js"
import { safeName } from "./internal/fileNames.js"
import type { ProfileWrite } from "./Writer.js"

/** What the outbox records next to a profile's bytes (`<id>.json`). */
export interface OutboxEntry {
  readonly id: string
  readonly writer: string
  readonly datasetId: string
  readonly bucketStart: number
  readonly granularity: TimeGranularity
  readonly segment: { readonly columns: ReadonlyArray<string>; readonly values: ReadonlyArray<string> } | null
  readonly rows: number
  /** The writer's name for the write (`ProfileWrite.writeId`), so a replay reaches the same object. */
  readonly writeId?: string | undefined
  /** When the profile first went to the outbox, epoch ms. */
  readonly createdAt: number
  /** Failed attempts so far, the original ones included. */
  readonly attempts: number
  readonly lastError: string
}

/** The outbox's files could not be read or written. */
export class OutboxError extends Data.TaggedError("OutboxError")<{
  readonly operation: string
  readonly path: string
  readonly reason: string
}> {
  override get message(): string {
    return `outbox: cannot ${this.operation} ${this.path}: ${this.reason}`
  }
}

const codeOf = (error: unknown): string | undefined =>
  typeof error === "object" && error !== null && "code" in error ? String(error.code) : undefined

/** Orphaned files younger than this may belong to a write in progress and are left alone. */
const ORPHAN_AGE_MS = 60_000

/**
 * Profiles that a writer could not store, kept on disk until it can: `<dir>/<writer>/<id>.bin` (the
 * profile's bytes) and `<id>.json` (an `OutboxEntry`). Both are written to temporary files and renamed
 * into place, the sidecar last, so an entry exists exactly when its sidecar does; removal deletes the
 * sidecar first. Files are 0600, folders 0700. One process per outbox folder.
 */
export class Outbox {
  readonly dir: string

  constructor(dir: string) {
    this.dir = resolve(dir)
  }

  /** Stores `profile` for `writer` after a failure described by `error`. */
  put(
    writer: string,
    profile: ProfileWrite,
    error: string,
    attempts: number,
  ): Effect.Effect<OutboxEntry, OutboxError> {
    const folder = join(this.dir, safeName(writer))
    const entry: OutboxEntry = {
      id: `${Date.now().toString().padStart(15, "0")}-${process.pid}-${randomBytes(4).toString("hex")}`,
      writer,
      datasetId: profile.datasetId,
      bucketStart: profile.bucket.start,
      granularity: profile.bucket.granularity,
      segment:
        profile.segment === undefined
          ? null
          : { columns: [...profile.segment.columns], values: [...profile.segment.values] },
      rows: profile.rows,
      ...(profile.writeId === undefined ? {} : { writeId: profile.writeId }),
      createdAt: Date.now(),
      attempts,
      lastError: error,
    }
    return this.#attempt("store", folder, async () => {
      await mkdir(folder, { recursive: true, mode: 0o700 })
      await writeAtomically(join(folder, `${entry.id}.bin`), profile.bytes)
      await writeAtomically(join(folder, `${entry.id}.json`), new TextEncoder().encode(JSON.stringify(entry)))
      return entry
    })
  }

  /**
   * Entries waiting for `writer` (every writer when absent), oldest first. Unreadable sidecars and
   * their bytes are moved to `corrupt/` in the writer's folder.
   */
  list(writer?: string): Effect.Effect<ReadonlyArray<OutboxEntry>, OutboxError> {
    return this.#attempt("list", this.dir, async () => {
      const folders = writer === undefined ? await listDir(this.dir, "folders") : [safeName(writer)]
      const entries: OutboxEntry[] = []
      for (const folder of folders) {
        const path = join(this.dir, folder)
        for (const name of (await listDir(path, "files")).filter((n) => n.endsWith(".json")).sort()) {
          const entry = parseEntry(await readFile(join(path, name), "utf8").catch(() => ""))
          if (entry === undefined) await quarantine(path, name.slice(0, -".json".length))
          else entries.push(entry)
        }
      }
      return entries.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    })
  }

  /** The profile an entry holds. Bytes that are not a profile move the entry to `corrupt/`. */
  load(entry: OutboxEntry): Effect.Effect<ProfileWrite | undefined, OutboxError> {
    const folder = join(this.dir, safeName(entry.writer))
    return this.#attempt("read", folder, async () => {
      let bytes: Uint8Array
      try {
        bytes = await readFile(join(folder, `${entry.id}.bin`))
      } catch (error) {
        if (codeOf(error) !== "ENOENT") throw error
        await quarantine(folder, entry.id)
        return undefined
      }
      let view: DatasetProfileView
      try {
        view = DatasetProfileView.deserialize(bytes)
      } catch {
        await quarantine(folder, entry.id)
        return undefined
      }
      const segment =
        entry.segment === null ? undefined : new ProfileSegment(entry.segment.columns, entry.segment.values)
      return {
        datasetId: entry.datasetId,
        bucket: new TimeBucket(entry.bucketStart, entry.granularity),
        segment,
        view,
        bytes,
        rows: entry.rows,
        writeId: entry.writeId,
      }
    })
  }

  /** Records another failed attempt of an entry. */
  noteFailure(entry: OutboxEntry, error: string): Effect.Effect<OutboxEntry, OutboxError> {
    const folder = join(this.dir, safeName(entry.writer))
    const next = { ...entry, attempts: entry.attempts + 1, lastError: error }
    return this.#attempt("update", folder, async () => {
      await writeAtomically(join(folder, `${entry.id}.json`), new TextEncoder().encode(JSON.stringify(next)))
      return next
    })
  }

  /** Removes an entry whose profile is now stored: the sidecar first, so a crash leaves no entry behind. */
  remove(entry: OutboxEntry): Effect.Effect<void, OutboxError> {
    const folder = join(this.dir, safeName(entry.writer))
    return this.#attempt("remove", folder, async () => {
      await unlinkIfPresent(join(folder, `${entry.id}.json`))
      await unlinkIfPresent(join(folder, `${entry.id}.bin`))
    })
  }

  /**
   * Deletes what a crash can leave behind: temporary files and bytes without a sidecar, older than a
   * minute (younger ones may be a write in progress).
   */
  sweep(): Effect.Effect<number, OutboxError> {
    return this.#attempt("sweep", this.dir, async () => {
      let removed = 0
      const now = Date.now()
      for (const folder of await listDir(this.dir, "folders")) {
        const path = join(this.dir, folder)
        const names = await listDir(path, "files")
        const sidecars = new Set(names.filter((n) => n.endsWith(".json")).map((n) => n.slice(0, -5)))
        for (const name of names) {
          const orphan =
            name.endsWith(".tmp") || (name.endsWith(".bin") && !sidecars.has(name.slice(0, -".bin".length)))
          if (!orphan) continue
          const info = await stat(join(path, name)).catch(() => undefined)
          if (info === undefined || !info.isFile() || now - info.mtimeMs < ORPHAN_AGE_MS) continue
          await unlinkIfPresent(join(path, name))
          removed++
        }
      }
      return removed
    })
  }

  #attempt<A>(operation: string, path: string, run: () => Promise<A>): Effect.Effect<A, OutboxError> {
    return Effect.tryPromise({
      try: run,
      catch: (error) => new OutboxError({ operation, path, reason: causeText(error) }),
    })
  }
}

/** Names of the writer folders (`"folders"`) or of the entry files in one (`"files"`); strays are ignored. */
const listDir = async (path: string, kind: "folders" | "files"): Promise<string[]> => {
  try {
    return (await readdir(path, { withFileTypes: true }))
      .filter((d) => (kind === "folders" ? d.isDirectory() : d.isFile()))
      .filter((d) => d.name !== "corrupt")
      .map((d) => d.name)
  } catch (error) {
    if (codeOf(error) === "ENOENT") return []
    throw error
  }
}

const unlinkIfPresent = async (path: string): Promise<void> => {
  try {
    await unlink(path)
  } catch (error) {
    if (codeOf(error) !== "ENOENT") throw error
  }
}

const writeAtomically = async (path: string, bytes: Uint8Array): Promise<void> => {
  const temp = `${path}.${randomBytes(4).toString("hex")}.tmp`
  const file = await open(temp, "wx", 0o600)
  try {
    await file.writeFile(bytes)
    await file.sync()
  } finally {
    await file.close()
  }
  await rename(temp, path)
}

/** Moves an entry's files to `corrupt/`, where they are kept for a human and never replayed. */
const quarantine = async (folder: string, id: string): Promise<void> => {
  const corrupt = join(folder, "corrupt")
  await mkdir(corrupt, { recursive: true, mode: 0o700 })
  for (const name of [`${id}.json`, `${id}.bin`]) {
    try {
      await rename(join(folder, name), join(corrupt, name))
    } catch (error) {
      if (codeOf(error) !== "ENOENT") throw error
    }
  }
}

const parseEntry = (text: string): OutboxEntry | undefined => {
  try {
    const json = JSON.parse(text) as Partial<OutboxEntry>
    const segment = json.segment
    const segmentOk =
      segment === null ||
      (typeof segment === "object" &&
        segment !== undefined &&
        Array.isArray(segment.columns) &&
        Array.isArray(segment.values) &&
        segment.columns.length === segment.values.length)
    if (
      typeof json.id !== "string" ||
      typeof json.writer !== "string" ||
      typeof json.datasetId !== "string" ||
      typeof json.bucketStart !== "number" ||
      typeof json.granularity !== "string" ||
      !timeGranularities.includes(json.granularity) ||
      !segmentOk ||
      typeof json.rows !== "number"
    )
      return undefined
    return {
      id: json.id,
      writer: json.writer,
      datasetId: json.datasetId,
      bucketStart: json.bucketStart,
      granularity: json.granularity,
      segment: segment ?? null,
      rows: json.rows,
      ...(typeof json.writeId === "string" ? { writeId: json.writeId } : {}),
      createdAt: typeof json.createdAt === "number" ? json.createdAt : 0,
      attempts: typeof json.attempts === "number" ? json.attempts : 0,
      lastError: typeof json.lastError === "string" ? json.lastError : "",
    }
  } catch {
    return undefined
  }
}
