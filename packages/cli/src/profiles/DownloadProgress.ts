import type { ReadProgress } from "@sketchlog/core/store"
import { SingleBar } from "cli-progress"
import { formatBytes, type ProgressMode } from "../upload/UploadProgress.js"

/**
 * The progress bar of a read from a profile store (objects done out of those listed, and bytes
 * downloaded) or of a compaction (partitions), on stderr when it is a terminal (`auto`) or `always`. Without a bar nothing is
 * printed: stdout carries the command's own output.
 */
export class DownloadProgress {
  readonly #bar: SingleBar | undefined
  #started = false

  constructor(
    mode: ProgressMode,
    stderr: NodeJS.WritableStream & { readonly isTTY?: boolean | undefined },
    label: string,
    unit = "objects",
  ) {
    const draw = mode === "always" || (mode === "auto" && stderr.isTTY === true)
    this.#bar = draw
      ? new SingleBar({
          stream: stderr,
          format: `${label} [{bar}] {value}/{total} ${unit} | {size}`,
          barsize: 28,
          hideCursor: null,
          noTTYOutput: mode === "always",
          notTTYSchedule: 1000,
        })
      : undefined
  }

  /** The reader's report (`readMergedProfiles`'s `onProgress`). */
  readonly update = (progress: ReadProgress): void => {
    if (this.#bar === undefined) return
    if (!this.#started) {
      this.#started = true
      this.#bar.start(progress.total, progress.done, { size: formatBytes(progress.bytes) })
      return
    }
    this.#bar.update(progress.done, { size: formatBytes(progress.bytes) })
  }

  stop(): void {
    if (this.#started) this.#bar?.stop()
  }
}
