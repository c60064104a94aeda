import { randomBytes } from "node:crypto"
import { readFile, rename, rm, writeFile } from "node:fs/promises"
import { join } from "node:path"
import { inputError } from "../cli/CliError.js"

/** The manifest's file name inside the uploaded directory (hidden, so no command reads it as a profile). */
export const MANIFEST_FILE = ".sketchlog-upload.json"

/** What the manifest remembers of one uploaded file. */
export interface ManifestEntry {
  /** SHA-256 of the bytes uploaded: a file changed since is uploaded again. */
  readonly sha256: string
  /** `<endpoint> <org> <dataset>`: the same file sent elsewhere is uploaded again. */
  readonly destination: string
  readonly datasetTimestamp: number
  readonly bytes: number
  readonly uploadedAt: string
  /** The platform's id of the upload, when it gave one. */
  readonly uploadId: string | undefined
}

interface ManifestFile {
  readonly version: 1
  readonly uploads: Record<string, ManifestEntry>
}

/**
 * What has been uploaded from a directory, kept in `<dir>/.sketchlog-upload.json` and rewritten
 * (atomically: temporary file + rename) after every success, so an interrupted run loses nothing
 * and `upload --resume` sends only what is not in it.
 */
export class UploadManifest {
  readonly #path: string
  readonly #uploads: Map<string, ManifestEntry>
  #writing: Promise<void> = Promise.resolve()

  private constructor(path: string, uploads: Map<string, ManifestEntry>) {
    this.#path = path
    this.#uploads = uploads
  }

  /** The manifest of `dir` (empty when there is none yet); a manifest that is not ours is an input error. */
  static async load(dir: string): Promise<UploadManifest> {
    const path = join(dir, MANIFEST_FILE)
    const text = await readFile(path, "utf8").catch((error: NodeJS.ErrnoException) => {
      if (error.code === "ENOENT") return undefined
      throw inputError(`${path}: cannot be read (${error.message})`)
    })
    if (text === undefined) return new UploadManifest(path, new Map())
    let parsed: unknown
    try {
      parsed = JSON.parse(text)
    } catch {
      throw inputError(
        `${path}: not a sketchlog upload manifest (invalid JSON); delete it to upload everything again`,
      )
    }
    const file = parsed as Partial<ManifestFile>
    if (file === null || typeof file !== "object" || file.version !== 1 || typeof file.uploads !== "object") {
      throw inputError(
        `${path}: not a sketchlog upload manifest (version 1); delete it to upload everything again`,
      )
    }
    return new UploadManifest(path, new Map(Object.entries(file.uploads ?? {})))
  }

  /** An empty manifest for `dir` (a run without `--resume` starts over). */
  static fresh(dir: string): UploadManifest {
    return new UploadManifest(join(dir, MANIFEST_FILE), new Map())
  }

  /** Where the manifest is kept. */
  get path(): string {
    return this.#path
  }

  /** Entries recorded so far. */
  get size(): number {
    return this.#uploads.size
  }

  /** Whether exactly these bytes went to this destination already. */
  has(key: string, sha256: string, destination: string): boolean {
    const entry = this.#uploads.get(key)
    return entry !== undefined && entry.sha256 === sha256 && entry.destination === destination
  }

  /** Records an upload and writes the manifest (writes are queued, one at a time). */
  record(key: string, entry: ManifestEntry): Promise<void> {
    this.#uploads.set(key, entry)
    this.#writing = this.#writing.catch(() => undefined).then(() => this.#save())
    return this.#writing
  }

  async #save(): Promise<void> {
    const sorted = Object.fromEntries(
      [...this.#uploads.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
    )
    const body = `${JSON.stringify({ version: 1, uploads: sorted } satisfies ManifestFile, null, 2)}\n`
    const temporary = `${this.#path}.${randomBytes(4).toString("hex")}.tmp`
    try {
      await writeFile(temporary, body, { mode: 0o600 })
      await rename(temporary, this.#path)
    } catch (error) {
      await rm(temporary, { force: true })
      throw error
    }
  }
}
