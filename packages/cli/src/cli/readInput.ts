import { createInterface } from "node:readline"

/** Reads one line from `input` ("" when it ends first), leaving the stream usable for later reads. */
export const readLine = (input: NodeJS.ReadableStream): Promise<string> =>
  new Promise((resolve) => {
    const lines = createInterface({ input, terminal: false })
    let done = false
    const finish = (line: string) => {
      if (done) return
      done = true
      lines.close()
      resolve(line)
    }
    lines.once("line", finish)
    lines.once("close", () => finish(""))
  })
