/**
 * Runs damaged profile files through `DatasetProfileView.deserialize` and `sketchlog inspect` in a
 * process of its own, one case per command, so that the parent can bound each case's time (a hang is
 * a case that never answers) and see a crash (the process exits). Commands: `deserialize` and
 * `inspect`, each given the bytes in base64.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { PassThrough } from "node:stream"
import { run } from "@sketchlog/cli"
import { DatasetProfileView } from "@sketchlog/core"
import { announceReady, serveCommands } from "./ChildProtocol.js"

/** How one case ended. */
export type FuzzOutcome =
  /** Read; the view then summarised, serialized and merged with itself without throwing. */
  | { readonly outcome: "read"; readonly millis: number }
  /** Refused with a typed error (`_tag`). */
  | { readonly outcome: "typed"; readonly tag: string; readonly millis: number }
  /** Anything else thrown: a defect. */
  | { readonly outcome: "untyped"; readonly error: string; readonly millis: number }

const scratch = mkdtempSync(join(tmpdir(), "sketchlog-fuzz-"))
process.on("exit", () => rmSync(scratch, { recursive: true, force: true }))

const deserialize = (base64: string): FuzzOutcome => {
  const bytes = Buffer.from(base64, "base64")
  const t0 = performance.now()
  try {
    const view = DatasetProfileView.deserialize(bytes)
    view.summary()
    view.serialize()
    view.merge(view).summary()
    return { outcome: "read", millis: performance.now() - t0 }
  } catch (error) {
    const millis = performance.now() - t0
    const tag = (error as { _tag?: unknown } | null)?._tag
    if (typeof tag === "string") return { outcome: "typed", tag, millis }
    return {
      outcome: "untyped",
      error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
      millis,
    }
  }
}

let nth = 0
const inspect = async (base64: string): Promise<{ code: number; stderr: string; millis: number }> => {
  const file = join(scratch, `case-${nth++}.bin`)
  writeFileSync(file, Buffer.from(base64, "base64"))
  const out = new PassThrough()
  const err = new PassThrough()
  let stderr = ""
  out.resume()
  err.on("data", (d: Buffer) => {
    stderr += d.toString()
  })
  const t0 = performance.now()
  const code = await run(["inspect", "--json", file], {
    stdout: out,
    stderr: err,
    stdin: new PassThrough().end(),
  })
  const millis = performance.now() - t0
  rmSync(file, { force: true })
  return { code, stderr, millis }
}

serveCommands({
  deserialize: (base64: string) => deserialize(base64),
  inspect: (base64: string) => inspect(base64),
})
announceReady({ url: "" })
