import { mkdtemp, rm, stat, writeFile } from "node:fs/promises"
import { tmpdir } from "node:os"
import { dirname, join } from "node:path"
import * as FileSystem from "@effect/platform/FileSystem"
import * as Path from "@effect/platform/Path"
import { Effect, Layer, Option, type Scope } from "effect"
import { afterEach, beforeEach, describe, expect, it } from "vitest"
import * as NodeFileSystem from "../src/node/NodeFileSystem.js"
import * as NodePath from "../src/node/NodePath.js"

let dir = ""
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "sketchlog-node-fs-"))
})
afterEach(() => rm(dir, { recursive: true, force: true }))

const run = <A, E>(effect: Effect.Effect<A, E, FileSystem.FileSystem | Path.Path | Scope.Scope>) =>
  Effect.runPromise(
    Effect.scoped(effect).pipe(Effect.provide(Layer.merge(NodeFileSystem.layer, NodePath.layer))),
  )
const fs = Effect.flatMap(FileSystem.FileSystem, Effect.succeed)

describe("NodeFileSystem: Effect's FileSystem over node:fs", () => {
  it("writes, reads, renames and removes real files, creating directories with their mode", async () => {
    const path = join(dir, "a", "b", "config.ini")
    const text = await run(
      Effect.gen(function* () {
        const files = yield* fs
        yield* files.makeDirectory(join(dir, "a", "b"), { recursive: true, mode: 0o700 })
        yield* files.writeFileString(`${path}.tmp`, "[whylabs]\n", { mode: 0o600, flag: "wx" })
        yield* files.rename(`${path}.tmp`, path)
        return yield* files.readFileString(path)
      }),
    )
    expect(text).toBe("[whylabs]\n")
    expect((await stat(path)).mode & 0o777).toBe(0o600)
    expect((await stat(join(dir, "a", "b"))).mode & 0o777).toBe(0o700)
    await run(Effect.flatMap(fs, (files) => files.remove(join(dir, "a"), { recursive: true })))
    expect(await run(Effect.flatMap(fs, (files) => files.exists(join(dir, "a"))))).toBe(false)
  })

  it("fails with a SystemError whose reason comes from the errno code", async () => {
    const missing = await run(Effect.flip(Effect.flatMap(fs, (files) => files.readFile(join(dir, "none")))))
    expect(missing).toMatchObject({ _tag: "SystemError", reason: "NotFound", method: "readFile" })
    await writeFile(join(dir, "taken"), "")
    const taken = await run(
      Effect.flip(
        Effect.flatMap(fs, (files) => files.writeFileString(join(dir, "taken"), "x", { flag: "wx" })),
      ),
    )
    expect(taken).toMatchObject({ _tag: "SystemError", reason: "AlreadyExists" })
  })

  it("opens a file for appending: every write lands at the end, in order", async () => {
    const path = join(dir, "events.jsonl")
    await writeFile(path, "0\n")
    await run(
      Effect.gen(function* () {
        const file = yield* (yield* fs).open(path, { flag: "a", mode: 0o600 })
        for (const line of ["1\n", "2\n", "3\n"]) yield* file.writeAll(new TextEncoder().encode(line))
        yield* file.sync
      }),
    )
    const back = await run(
      Effect.gen(function* () {
        const file = yield* (yield* fs).open(path)
        const first = yield* file.readAlloc(4)
        yield* file.seek(2, "current")
        const rest = yield* file.readAlloc(100)
        const end = yield* file.readAlloc(100)
        return {
          first: Option.map(first, (b) => new TextDecoder().decode(b)),
          rest,
          end,
          size: (yield* file.stat).size,
        }
      }),
    )
    expect(back.first).toEqual(Option.some("0\n1\n"))
    expect(Option.map(back.rest, (b) => new TextDecoder().decode(b))).toEqual(Option.some("3\n"))
    expect(back.end).toEqual(Option.none())
    expect(back.size).toBe(8n)
  })

  it("removes a scoped temporary directory when its scope closes; lists, stats and copies", async () => {
    const made = await run(
      Effect.gen(function* () {
        const files = yield* fs
        const temp = yield* files.makeTempDirectoryScoped({ directory: dir, prefix: "session-" })
        yield* files.writeFileString(join(temp, "x.bin"), "12345")
        yield* files.copyFile(join(temp, "x.bin"), join(temp, "y.bin"))
        const info = yield* files.stat(join(temp, "y.bin"))
        return { temp, names: (yield* files.readDirectory(temp)).sort(), type: info.type, size: info.size }
      }),
    )
    expect(made).toMatchObject({ names: ["x.bin", "y.bin"], type: "File", size: 5n })
    // Without a prefix the directory is made inside the given one, not beside it.
    const unprefixed = await run(Effect.flatMap(fs, (files) => files.makeTempDirectory({ directory: dir })))
    expect(dirname(unprefixed)).toBe(dir)
    expect(made.temp.startsWith(join(dir, "session-"))).toBe(true)
    await expect(stat(made.temp)).rejects.toMatchObject({ code: "ENOENT" })
  })

  it("NodePath joins with the platform's separator and converts file URLs both ways", async () => {
    const result = await run(
      Effect.gen(function* () {
        const path = yield* Path.Path
        const url = yield* path.toFileUrl(join(dir, "a b.bin"))
        return { joined: path.join("a", "b", "..", "c"), url: url.href, back: yield* path.fromFileUrl(url) }
      }),
    )
    expect(result.joined).toBe(join("a", "c"))
    expect(result.url).toContain("a%20b.bin")
    expect(result.back).toBe(join(dir, "a b.bin"))
    const bad = await run(
      Effect.flip(Effect.flatMap(Path.Path, (path) => path.fromFileUrl(new URL("https://x/")))),
    )
    expect(bad).toMatchObject({ _tag: "BadArgument", module: "Path" })
  })
})
