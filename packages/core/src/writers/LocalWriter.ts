import { randomBytes } from "node:crypto"
import { mkdir, open, readFile, rename, unlink } from "node:fs/promises"
import { join, resolve } from "node:path"
import { Effect } from "effect"
import { causeText } from "../internal/causeText.js"
import { errorCode, RETRYABLE_FILE_ERRORS } from "../internal/fileErrors.js"
import { optionNamesOf } from "../internal/optionNames.js"
import { DatasetProfileView } from "../profile/DatasetProfileView.js"
import { safeName, segmentName } from "./internal/fileNames.js"
import { checkWriterOptionNames } from "./internal/writerOptions.js"
import type { ProfileWrite, WriteReceipt, Writer } from "./Writer.js"
import { WriterError } from "./WriterError.js"

/** Options of a `LocalWriter`. */
export interface LocalWriterOptions {
  /** The root folder; profiles go to `<dir>/<dataset>/…`. */
  readonly dir: string
  /** Unique writer name (default `local:<dir>`). */
  readonly name?: string | undefined
  /**
   * Mode of profile files (default 0o600). Profiles hold no raw rows, but frequent items keep up to
   * 128 characters of the commonest values of each string column (user names, e-mail addresses, …
   * when such a column is profiled), so they are private to the owner unless you widen this.
   */
  readonly fileMode?: number | undefined
  /** Mode of the folders it creates (default 0o700). */
  readonly dirMode?: number | undefined
  /**
   * When a file for the same dataset, bucket and segment exists, merge into it (default true), so the
   * folder holds one complete profile per bucket and segment however many times the bucket was
   * written. With `false` the file is replaced, which loses earlier writes of the same bucket.
   */
  readonly merge?: boolean | undefined
  /** fsync each file before renaming it into place (default true): a power cut then loses no written profile. */
  readonly fsync?: boolean | undefined
}

const localWriterOptionNames = optionNamesOf<LocalWriterOptions>()([
  "dir",
  "name",
  "fileMode",
  "dirMode",
  "merge",
  "fsync",
])

/**
 * Writes each profile to `<dir>/<dataset>/<bucket>[__<segment>].bin`, e.g.
 * `profiles/model-1/20240101T120000Z__http.route=_users,http.method=GET.bin`: the bucket start in ISO
 * 8601 basic format (UTC), the segment as `column=value` pairs, every name made file-system safe.
 * A file is written to a temporary name in the same folder and renamed into place, so a reader never
 * sees half a profile; later writes of the same bucket merge into it (see `merge`). One write at a
 * time, so merges never race within a process; do not point two processes at one folder.
 */
export class LocalWriter implements Writer {
  readonly name: string
  readonly concurrency = 1
  readonly dir: string
  readonly #fileMode: number
  readonly #dirMode: number
  readonly #merge: boolean
  readonly #fsync: boolean

  /** Throws `WriterOptionsError` for an unknown option (naming the nearest known one). */
  constructor(options: LocalWriterOptions) {
    checkWriterOptionNames("LocalWriter", options, localWriterOptionNames)
    this.dir = resolve(options.dir)
    this.name = options.name ?? `local:${options.dir}`
    this.#fileMode = options.fileMode ?? 0o600
    this.#dirMode = options.dirMode ?? 0o700
    this.#merge = options.merge ?? true
    this.#fsync = options.fsync ?? true
  }

  /** The file a profile of `datasetId`, bucket and segment goes to. */
  pathOf(profile: Pick<ProfileWrite, "datasetId" | "bucket" | "segment">): string {
    const segment = profile.segment === undefined ? "" : `__${segmentName(profile.segment)}`
    return join(this.dir, safeName(profile.datasetId), `${profile.bucket.fileStamp}${segment}.bin`)
  }

  readonly write = (profile: ProfileWrite): Effect.Effect<WriteReceipt, WriterError> =>
    Effect.tryPromise({
      try: () => this.#write(profile),
      catch: (error) => {
        const code = errorCode(error)
        return new WriterError({
          writer: this.name,
          reason: `cannot write ${this.pathOf(profile)}: ${causeText(error)}`,
          retryable: code === undefined || RETRYABLE_FILE_ERRORS.has(code),
          cause: error,
        })
      },
    })

  async #write(profile: ProfileWrite): Promise<WriteReceipt> {
    const path = this.pathOf(profile)
    await mkdir(join(path, ".."), { recursive: true, mode: this.#dirMode })
    let bytes = profile.bytes
    if (this.#merge) {
      const existing = await this.#readExisting(path)
      if (existing !== undefined) bytes = existing.merge(profile.view).serialize()
    }
    const temp = `${path}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`
    const file = await open(temp, "wx", this.#fileMode)
    try {
      await file.writeFile(bytes)
      if (this.#fsync) await file.sync()
    } catch (error) {
      await file.close().catch(() => undefined)
      await unlink(temp).catch(() => undefined)
      throw error
    }
    await file.close()
    try {
      await rename(temp, path)
    } catch (error) {
      await unlink(temp).catch(() => undefined)
      throw error
    }
    return { destination: path }
  }

  /**
   * The profile already at `path`, if any. A file that is not a profile is moved aside (renamed
   * `<name>.unreadable-<time>`) rather than overwritten or allowed to block every later write.
   */
  async #readExisting(path: string): Promise<DatasetProfileView | undefined> {
    let bytes: Uint8Array
    try {
      bytes = await readFile(path)
    } catch (error) {
      if (errorCode(error) === "ENOENT") return undefined
      throw error
    }
    try {
      return DatasetProfileView.deserialize(bytes)
    } catch {
      await rename(path, `${path}.unreadable-${Date.now()}`)
      return undefined
    }
  }
}
