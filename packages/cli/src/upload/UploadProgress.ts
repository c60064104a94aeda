import { SingleBar } from "cli-progress"
import { writeLine } from "../cli/CliIo.js"
import { printable } from "../format/printable.js"

/** When to draw the progress bar: on a terminal (`auto`), always, or never. */
export type ProgressMode = "auto" | "always" | "never"

/**
 * Progress of an upload run: a cli-progress bar on stderr (profiles done out of total, bytes sent,
 * failures) when stderr is a terminal or `always`; otherwise one line per finished profile on
 * stdout, which is what a script or a CI log wants.
 */
export class UploadProgress {
  readonly #bar: SingleBar | undefined
  readonly #out: NodeJS.WritableStream
  #bytes = 0
  #failed = 0

  constructor(
    mode: ProgressMode,
    stderr: NodeJS.WritableStream & { readonly isTTY?: boolean | undefined },
    stdout: NodeJS.WritableStream,
  ) {
    this.#out = stdout
    const draw = mode === "always" || (mode === "auto" && stderr.isTTY === true)
    this.#bar = draw
      ? new SingleBar({
          stream: stderr,
          format: "uploading [{bar}] {value}/{total} profiles | {size} | {failed} failed | {file}",
          barsize: 28,
          hideCursor: null,
          noTTYOutput: mode === "always",
          notTTYSchedule: 1000,
          etaBuffer: 20,
        })
      : undefined
  }

  /** Starts the bar at `total` profiles. */
  start(total: number): void {
    this.#bar?.start(total, 0, { size: "0 B", failed: 0, file: "" })
  }

  /** One profile finished (uploaded or failed). */
  done(file: string, outcome: { readonly bytes: number } | { readonly error: string }): void {
    if ("bytes" in outcome) this.#bytes += outcome.bytes
    else this.#failed += 1
    if (this.#bar !== undefined) {
      this.#bar.increment(1, { size: formatBytes(this.#bytes), failed: this.#failed, file: printable(file) })
    } else if ("bytes" in outcome) {
      writeLine(this.#out, `uploaded ${printable(file)} (${formatBytes(outcome.bytes)})`)
    }
  }

  /** Stops the bar (leaving its last state on screen). */
  stop(): void {
    this.#bar?.stop()
  }
}

/** 1536 → "1.5 KiB". */
export const formatBytes = (bytes: number): string => {
  const units = ["B", "KiB", "MiB", "GiB"]
  let value = bytes
  let unit = 0
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024
    unit++
  }
  return `${unit === 0 ? value : value.toFixed(1)} ${units[unit]}`
}
