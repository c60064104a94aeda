import { describe, expect, it } from "vitest"
import { runCli } from "./cliHarness.js"

const COMMANDS = ["login", "logout", "whoami", "inspect", "merge", "diff", "report", "upload"] as const

describe("the command line", () => {
  it.each(COMMANDS)("%s --help prints its usage and exits 0", async (command) => {
    const result = await runCli([command, "--help"])
    expect(result.code).toBe(0)
    expect(result.stdout).toContain(`Usage: sketchlog ${command}`)
    expect(result.stderr).toBe("")
  })

  it("--help lists every command and the exit codes", async () => {
    const result = await runCli(["--help"])
    expect(result.code).toBe(0)
    for (const command of COMMANDS) expect(result.stdout).toMatch(new RegExp(`^  ${command} `, "m"))
    expect(result.stdout).toContain("Exit codes:")
    expect(result.stdout).toMatch(/^ {2}3 {3}bad input file/m)
  })

  it("prints the version", async () => {
    const result = await runCli(["--version"])
    expect(result.code).toBe(0)
    expect(result.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/)
  })

  it("exits 2 with one line for an unknown command, an unknown option or a missing argument", async () => {
    const unknown = await runCli(["inpsect", "x.bin"])
    expect(unknown.code).toBe(2)
    expect(unknown.stderr.trim().split("\n")).toHaveLength(1)
    expect(unknown.stderr).toMatch(/^sketchlog: unknown command 'inpsect'.*inspect/)
    const option = await runCli(["inspect", "--frobnicate", "x.bin"])
    expect(option.code).toBe(2)
    expect(option.stderr.trim()).toBe("sketchlog: unknown option '--frobnicate'")
    const missing = await runCli(["diff", "only-one.bin"])
    expect(missing.code).toBe(2)
    expect(missing.stderr.trim()).toBe("sketchlog: missing required argument 'target'")
    const badValue = await runCli(["diff", "a.bin", "b.bin", "--threshold-ks", "2"])
    expect(badValue.code).toBe(2)
    expect(badValue.stderr).toContain("expected a number from 0 to 1")
  })

  it("shows the help on stderr and exits 2 without a command", async () => {
    const result = await runCli([])
    expect(result.code).toBe(2)
    expect(result.stdout).toBe("")
    expect(result.stderr).toContain("Usage: sketchlog")
  })
})
