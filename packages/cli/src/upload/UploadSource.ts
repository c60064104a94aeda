import { readFile } from "node:fs/promises"
import { relative, sep } from "node:path"
import { DatasetProfileView } from "@sketchlog/core"
import { listProfileFiles } from "../profiles/ProfileFiles.js"

/** What is sent for one profile: its bytes and where in time and in which segment it belongs. */
export interface UploadPayload {
  readonly bytes: Uint8Array
  readonly datasetTimestamp: number
  readonly segmentTags: ReadonlyArray<{ readonly key: string; readonly value: string }>
}

/** A candidate whose profile cannot be read; `reason` says why (no secret: paths and format errors). */
export class UnreadableProfile extends Error {
  readonly _tag = "UnreadableProfile"
}

/** One profile that `upload` may send. */
export interface UploadCandidate {
  /** Stable name in the upload manifest and in messages: the path relative to the uploaded directory, with `/`. */
  readonly key: string
  /** The dataset its place or its metadata names, when they name one. */
  readonly datasetId: string | undefined
  /** Reads the profile; rejects with `UnreadableProfile` when it cannot be read or is not a profile. */
  readonly read: () => Promise<UploadPayload>
  /** Called once the platform confirmed the upload (the outbox removes its entry). */
  readonly onUploaded: () => Promise<void>
  /** Called when an upload failed for good in this run (the outbox records the attempt). */
  readonly onFailed: (reason: string) => Promise<void>
}

/** Somewhere `upload` finds profiles: the directory's files, or the rolling logger's outbox. */
export interface UploadSource {
  readonly name: string
  readonly list: () => Promise<ReadonlyArray<UploadCandidate>>
}

/** `a/b/c.bin` whatever the platform's separator. */
export const manifestKey = (root: string, path: string): string => relative(root, path).split(sep).join("/")

/** A profile file's payload: the time and segment come from the profile itself. */
const readProfileFile = async (path: string): Promise<UploadPayload> => {
  let bytes: Uint8Array
  try {
    bytes = await readFile(path)
  } catch (error) {
    throw new UnreadableProfile(`cannot be read (${(error as Error).message})`)
  }
  let view: DatasetProfileView
  try {
    view = DatasetProfileView.deserialize(bytes)
  } catch (error) {
    throw new UnreadableProfile((error as Error).message)
  }
  return {
    bytes,
    datasetTimestamp: view.datasetTimestamp,
    segmentTags: view.segment?.tags.map(({ key, value }) => ({ key, value })) ?? [],
  }
}

/**
 * The `.bin` files under `root` (hidden entries skipped). A file at `<root>/<dataset>/<file>.bin` —
 * the rolling logger's LocalWriter layout — is hinted to dataset `<dataset>`; files directly in
 * `root` get no hint (the `--dataset-id` option or the session's default dataset decides).
 */
export const directorySource = (root: string): UploadSource => ({
  name: root,
  list: async () => {
    const files = await listProfileFiles(root)
    return files.map((path): UploadCandidate => {
      const key = manifestKey(root, path)
      const parts = key.split("/")
      return {
        key,
        datasetId: parts.length >= 2 ? parts[0] : undefined,
        read: () => readProfileFile(path),
        onUploaded: async () => {},
        onFailed: async () => {},
      }
    })
  },
})
