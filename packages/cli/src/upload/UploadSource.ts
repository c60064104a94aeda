import { relative, sep } from "node:path"
import { listProfileFiles } from "../profiles/ProfileFiles.js"

/** What a candidate's metadata says about where and when it belongs, when it says anything. */
export interface UploadHints {
  readonly datasetId?: string | undefined
  readonly datasetTimestamp?: number | undefined
  readonly segmentTags?: ReadonlyArray<{ readonly key: string; readonly value: string }> | undefined
}

/** One profile file that `upload` may send. */
export interface UploadCandidate {
  /** Stable name in the upload manifest: the path relative to the uploaded directory, with `/`. */
  readonly key: string
  readonly path: string
  readonly origin: "directory" | "outbox"
  readonly hints: UploadHints
  /** Called once the platform has it (the outbox deletes its entry). */
  readonly onUploaded: () => Promise<void>
}

/** Somewhere `upload` finds profiles: the directory's files, or the rolling logger's outbox. */
export interface UploadSource {
  readonly name: string
  readonly list: () => Promise<ReadonlyArray<UploadCandidate>>
}

/** `a/b/c.bin` whatever the platform's separator. */
export const manifestKey = (root: string, path: string): string => relative(root, path).split(sep).join("/")

/**
 * The `.bin` files under `root` (hidden entries skipped). A file at `<root>/<dataset>/<file>.bin` —
 * the rolling logger's LocalWriter layout — is hinted to dataset `<dataset>`; files directly in
 * `root` get no hint (the `--dataset-id` option or the session's default dataset decides).
 */
export const directorySource = (root: string): UploadSource => ({
  name: root,
  list: async () => {
    const files = await listProfileFiles(root)
    return files.map((path) => {
      const key = manifestKey(root, path)
      const parts = key.split("/")
      return {
        key,
        path,
        origin: "directory" as const,
        hints: { datasetId: parts.length >= 2 ? parts[0] : undefined },
        onUploaded: async () => {},
      }
    })
  },
})
