import { join } from "node:path"
import { Outbox, type OutboxEntry } from "@sketchlog/core/writers"
import { runNode } from "../session/runNode.js"
import { UnreadableProfile, type UploadCandidate, type UploadSource } from "./UploadSource.js"

/** The rolling logger's outbox folder inside a profile directory (the HTTP profiler's `<profileDir>/.outbox`). */
export const OUTBOX_DIR = ".outbox"

/** The writer whose entries `upload` sends by default: `WhyLabsWriter`'s default name, which the HTTP profiler uses. */
export const DEFAULT_OUTBOX_WRITER = "whylabs"

/**
 * The entries a platform writer left in the rolling logger's outbox (`<dir>/.outbox/`), read and
 * removed through core's `Outbox`, so the CLI and the logger share one layout and one protocol:
 * only `writer`'s entries are taken (a LocalWriter's or a custom writer's belong to that writer's
 * replay); each is sent as `WhyLabsWriter` sends it — the bucket start as the dataset timestamp, the
 * entry's segment as the segment tags; an entry leaves the outbox only after the platform confirmed
 * its upload, and a failed upload is recorded on the entry (`attempts`, `lastError`) as a replay
 * would. Corrupt entries are moved to `corrupt/` by the outbox itself.
 */
export const outboxSource = (root: string, writer: string = DEFAULT_OUTBOX_WRITER): UploadSource => {
  const outbox = new Outbox(join(root, OUTBOX_DIR))
  return {
    name: outbox.dir,
    list: async () => {
      const entries = await runNode(outbox.list(writer))
      return entries.map((entry) => candidateOf(outbox, entry))
    },
  }
}

const candidateOf = (outbox: Outbox, entry: OutboxEntry): UploadCandidate => {
  let current = entry
  return {
    key: `${OUTBOX_DIR}/${entry.writer}/${entry.id}.bin`,
    datasetId: entry.datasetId,
    read: async () => {
      const write = await runNode(outbox.load(current)).catch((error: Error) => {
        throw new UnreadableProfile(error.message)
      })
      if (write === undefined)
        throw new UnreadableProfile(
          "not a readable outbox entry (the outbox moved it to its corrupt/ folder)",
        )
      return {
        bytes: write.bytes,
        datasetTimestamp: write.bucket.datasetTimestamp,
        segmentTags: write.segment?.tags ?? [],
      }
    },
    onUploaded: () => runNode(outbox.remove(current)),
    onFailed: async (reason) => {
      current = await runNode(outbox.noteFailure(current, reason))
    },
  }
}
