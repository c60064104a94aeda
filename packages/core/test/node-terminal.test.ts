import { fileURLToPath } from "node:url"
import { expect, it } from "vitest"
import { runTsxChild } from "./tsxChild.js"

it("NodeTerminal displays a prompt, reads the line typed after it, and lets the process exit", async () => {
  const child = fileURLToPath(new URL("./terminalChild.ts", import.meta.url))
  let answered = false
  const outcome = await runTsxChild<{ line: string; isTTY: boolean }>(child, {
    limitMs: 30_000,
    onStdout: (out, process) => {
      if (answered || !out.includes("API key? ")) return
      answered = true
      process.stdin.write("KEY000.secret\n")
    },
  })
  expect(outcome).toEqual({ line: "KEY000.secret", isTTY: false })
})
