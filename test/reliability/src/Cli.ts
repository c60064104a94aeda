import { PassThrough } from "node:stream"
import { run } from "@sketchlog/cli"

/** What one in-process run of the `sketchlog` command printed and returned. */
export interface CliRun {
  readonly code: number
  readonly stdout: string
  readonly stderr: string
}

/** Runs `sketchlog <args>` in this process (the CLI's `run(argv, io)`), capturing what it prints. */
export const sketchlog = async (
  args: ReadonlyArray<string>,
  options: { readonly stdin?: string; readonly cwd?: string } = {},
): Promise<CliRun> => {
  const capture = () => {
    const stream = new PassThrough()
    let text = ""
    stream.on("data", (d: Buffer) => {
      text += d.toString("utf8")
    })
    return { stream, text: () => text }
  }
  const out = capture()
  const err = capture()
  const stdin = new PassThrough()
  stdin.end(options.stdin ?? "")
  const code = await run(args, { stdout: out.stream, stderr: err.stream, stdin, cwd: options.cwd })
  await new Promise((resolve) => setImmediate(resolve))
  return { code, stdout: out.text(), stderr: err.text() }
}
