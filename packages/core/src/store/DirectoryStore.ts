import { randomBytes } from "node:crypto"
import { mkdir, open, readdir, readFile, rename, rmdir, stat, unlink } from "node:fs/promises"
import { dirname, join, resolve } from "node:path"
import { Effect, Stream } from "effect"
import { causeText } from "../internal/causeText.js"
import { errorCode, RETRYABLE_FILE_ERRORS } from "../internal/fileErrors.js"
import { matchesQuery, type ProfileQuery } from "./ProfileQuery.js"
import type { ProfileStore } from "./ProfileStore.js"
import type { StoredProfile } from "./StoredProfile.js"
import { StoreError } from "./StoreError.js"
import { parseProfileKey } from "./StoreKey.js"

/** Options of a `DirectoryStore`. */
export interface DirectoryStoreOptions {
  /** Mode of the files `put` writes (default 0o600: profiles keep frequent values of string columns). */
  readonly fileMode?: number | undefined
  /** Mode of the folders `put` creates (default 0o700). */
  readonly dirMode?: number | undefined
  /** fsync each file before renaming it into place (default true). */
  readonly fsync?: boolean | undefined
}

/** A key is `/`-separated names, none empty, `.` or `..`, no backslash or NUL: it stays inside the root. */
const isSafeKey = (key: string): boolean =>
  key.length > 0 &&
  !key.includes("\\") &&
  !key.includes("\0") &&
  key.split("/").every((part) => part.length > 0 && part !== "." && part !== "..")

const DAY = 86_400_000

/**
 * A directory seen as a profile store: keys are file paths below it. It lists both layouts
 * (`parseProfileKey`): the partitioned one `StoreWriter` and `sketchlog compact` write, and the
 * per-dataset folders of `LocalWriter`. `put` writes a temporary file and renames it into place, so
 * a reader never sees half a profile.
 */
export class DirectoryStore implements ProfileStore {
  readonly url: string
  /** The absolute path of the directory. */
  readonly root: string
  readonly #fileMode: number
  readonly #dirMode: number
  readonly #fsync: boolean

  constructor(dir: string, options: DirectoryStoreOptions = {}) {
    this.url = dir
    this.root = resolve(dir)
    this.#fileMode = options.fileMode ?? 0o600
    this.#dirMode = options.dirMode ?? 0o700
    this.#fsync = options.fsync ?? true
  }

  get datasets(): Effect.Effect<ReadonlyArray<string>, StoreError> {
    return Stream.runFold(this.list(), new Set<string>(), (ids, profile) => ids.add(profile.datasetId)).pipe(
      Effect.map((ids) => Array.from(ids).sort()),
    )
  }

  list(query: ProfileQuery = {}): Stream.Stream<StoredProfile, StoreError> {
    return Stream.fromAsyncIterable(this.#walk("", query), (error) => this.#error(error, undefined, "list"))
  }

  read(key: string): Effect.Effect<Uint8Array, StoreError> {
    return this.#checked(key, () => readFile(join(this.root, key)), "read")
  }

  put(key: string, bytes: Uint8Array): Effect.Effect<void, StoreError> {
    return this.#checked(key, () => this.#put(key, bytes), "write")
  }

  remove(keys: ReadonlyArray<string>): Effect.Effect<void, StoreError> {
    return Effect.forEach(keys, (key) => this.#checked(key, () => this.#remove(key), "delete"), {
      discard: true,
    })
  }

  #checked<A>(key: string, run: () => Promise<A>, operation: string): Effect.Effect<A, StoreError> {
    if (!isSafeKey(key)) {
      return Effect.fail(
        new StoreError({
          url: this.url,
          key,
          reason: "invalid-url",
          detail: "a key must be '/'-separated names without '.', '..', '\\' or NUL",
          retryable: false,
        }),
      )
    }
    return Effect.tryPromise({ try: run, catch: (error) => this.#error(error, key, operation) })
  }

  async #put(key: string, bytes: Uint8Array): Promise<void> {
    const path = join(this.root, key)
    await mkdir(dirname(path), { recursive: true, mode: this.#dirMode })
    const temp = `${path}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`
    const file = await open(temp, "wx", this.#fileMode)
    try {
      await file.writeFile(bytes)
      if (this.#fsync) await file.sync()
      await file.close()
      await rename(temp, path)
    } catch (error) {
      await file.close().catch(() => undefined)
      await unlink(temp).catch(() => undefined)
      throw error
    }
  }

  async #remove(key: string): Promise<void> {
    try {
      await unlink(join(this.root, key))
    } catch (error) {
      if (errorCode(error) !== "ENOENT") throw error
    }
    // Empty partition folders go too (an object store has none to leave behind).
    for (let dir = dirname(key); dir !== "." && dir !== ""; dir = dirname(dir)) {
      try {
        await rmdir(join(this.root, dir))
      } catch {
        break
      }
    }
  }

  /** The profiles below `dir` (relative, '' for the root), sorted by key, skipping folders `query` rules out. */
  async *#walk(dir: string, query: ProfileQuery): AsyncGenerator<StoredProfile> {
    const entries = await readdir(join(this.root, dir), { withFileTypes: true })
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    for (const entry of entries) {
      if (entry.name.startsWith(".")) continue
      const key = dir === "" ? entry.name : `${dir}/${entry.name}`
      if (entry.isDirectory()) {
        if (mayHold(key, entry.name, query)) yield* this.#walk(key, query)
      } else if (entry.isFile() && entry.name.endsWith(".bin")) {
        const parsed = parseProfileKey(key)
        if (parsed === undefined || !matchesQuery(parsed, query)) continue
        const info = await stat(join(this.root, key)).catch(() => undefined)
        yield { ...parsed, size: info?.size, version: info === undefined ? undefined : String(info.mtimeMs) }
      }
    }
  }

  #error(error: unknown, key: string | undefined, operation: string): StoreError {
    const code = errorCode(error)
    const where = key === undefined ? "" : ` ${key}`
    const base = { url: this.url, key, cause: error }
    if (code === "ENOENT") {
      const detail = key === undefined ? `no such directory ${this.root}` : "no such profile"
      return new StoreError({ ...base, reason: "not-found", detail, retryable: false })
    }
    if (code === "EACCES" || code === "EPERM") {
      return new StoreError({
        ...base,
        reason: "denied",
        detail: `cannot ${operation}${where}: permission denied`,
        retryable: false,
      })
    }
    return new StoreError({
      ...base,
      reason: "unavailable",
      detail: `cannot ${operation}${where}: ${causeText(error)}`,
      retryable: code !== undefined && RETRYABLE_FILE_ERRORS.has(code),
    })
  }
}

/** Whether the folder at `key` (named `name`) may hold profiles `query` asks for. */
const mayHold = (key: string, name: string, query: ProfileQuery): boolean => {
  if (name.startsWith("dataset=")) {
    return query.datasetId === undefined || name === `dataset=${encodeURIComponent(query.datasetId)}`
  }
  if (name.startsWith("date=") && key.startsWith("dataset=")) {
    const day = Date.parse(`${name.slice(5)}T00:00:00Z`)
    if (Number.isNaN(day)) return false
    return (query.from === undefined || day + DAY > query.from) && (query.to === undefined || day < query.to)
  }
  if (key.startsWith("dataset=")) return true
  // A LocalWriter folder: its path is the dataset id.
  return query.datasetId === undefined || query.datasetId === key || query.datasetId.startsWith(`${key}/`)
}
