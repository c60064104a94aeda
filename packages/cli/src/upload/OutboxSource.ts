import { readFile, rm, stat } from "node:fs/promises"
import { join } from "node:path"
import { listProfileFiles } from "../profiles/ProfileFiles.js"
import { manifestKey, type UploadCandidate, type UploadHints, type UploadSource } from "./UploadSource.js"

/** The rolling logger's outbox folder inside a profile directory. */
export const OUTBOX_DIR = ".outbox"

/**
 * The rolling logger's on-disk outbox (`<dir>/.outbox/`): profiles its writer could not upload.
 *
 * ASSUMED LAYOUT (the logger and its writers are not written yet; replace this module with an
 * adapter over core's outbox API when they land): each entry is a whylogs `.bin` file, optionally
 * with a sidecar `<same name>.json` holding `{ datasetId?, datasetTimestamp?, segmentTags? }`;
 * without a sidecar the dataset comes from the first folder under `.outbox/`, and the time and
 * segment from the profile itself. An entry is deleted (with its sidecar) once uploaded, as the
 * writer's own replay would.
 */
export const outboxSource = (root: string): UploadSource => {
  const outbox = join(root, OUTBOX_DIR)
  return {
    name: outbox,
    list: async () => {
      const info = await stat(outbox).catch(() => undefined)
      if (info === undefined || !info.isDirectory()) return []
      const files = await listProfileFiles(outbox)
      const candidates: UploadCandidate[] = []
      for (const path of files) {
        const sidecar = path.replace(/\.bin$/, ".json")
        const hints = await readHints(sidecar)
        const inner = manifestKey(outbox, path).split("/")
        candidates.push({
          key: manifestKey(root, path),
          path,
          origin: "outbox",
          hints: { ...hints, datasetId: hints.datasetId ?? (inner.length >= 2 ? inner[0] : undefined) },
          onUploaded: async () => {
            await rm(path, { force: true })
            await rm(sidecar, { force: true })
          },
        })
      }
      return candidates
    },
  }
}

/** The sidecar's hints; a missing or unreadable sidecar gives none (the profile itself still says when). */
const readHints = async (path: string): Promise<UploadHints> => {
  const text = await readFile(path, "utf8").catch(() => undefined)
  if (text === undefined) return {}
  try {
    const json = JSON.parse(text) as Record<string, unknown>
    const tags = Array.isArray(json.segmentTags)
      ? json.segmentTags.filter(
          (t): t is { key: string; value: string } =>
            typeof t === "object" && t !== null && typeof t.key === "string" && typeof t.value === "string",
        )
      : undefined
    return {
      datasetId: typeof json.datasetId === "string" && json.datasetId.length > 0 ? json.datasetId : undefined,
      datasetTimestamp: typeof json.datasetTimestamp === "number" ? json.datasetTimestamp : undefined,
      segmentTags: tags,
    }
  } catch {
    return {}
  }
}
