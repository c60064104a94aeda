import { mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import type * as FileSystem from "@effect/platform/FileSystem"
import type * as Path from "@effect/platform/Path"
import { Effect, Either, Layer, Redacted } from "effect"
import { afterEach, beforeEach, describe, expect, it } from "vitest"
import * as NodeFileSystem from "../src/node/NodeFileSystem.js"
import * as NodePath from "../src/node/NodePath.js"
import { parseApiKey, readConfigFile, updateConfigFile } from "../src/session/index.js"

let dir: string
let file: string
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "sketchlog-config-file-"))
  file = join(dir, "nested", "config.ini")
})
afterEach(() => rm(dir, { recursive: true, force: true }))

const run = <A, E>(effect: Effect.Effect<A, E, FileSystem.FileSystem | Path.Path>) =>
  Effect.runPromise(effect.pipe(Effect.provide(Layer.merge(NodeFileSystem.layer, NodePath.layer))))

describe("config file writes", () => {
  it("creates the file (and its directory) with mode 0600 in whylogs' layout, leaving no temporary file", async () => {
    expect(await run(updateConfigFile(file, { api_key: "KEYID00000.secret:org-a", org_id: "org-a" }))).toBe(
      true,
    )
    expect((await stat(file)).mode & 0o777).toBe(0o600)
    expect((await stat(join(dir, "nested"))).mode & 0o777).toBe(0o700)
    expect(await readFile(file, "utf8")).toBe(
      "[whylabs]\napi_key = KEYID00000.secret:org-a\norg_id = org-a\n",
    )
    expect(await readdir(join(dir, "nested"))).toEqual(["config.ini"])
  })

  it("writes only when something changes: an identical update leaves the file untouched", async () => {
    await run(updateConfigFile(file, { session_id: "session-1", user_guid: "u-1" }))
    const before = await stat(file)
    expect(await run(updateConfigFile(file, { session_id: "session-1" }))).toBe(false)
    expect(await run(updateConfigFile(file, { api_key: undefined }))).toBe(false)
    const after = await stat(file)
    expect([after.ino, after.mtimeMs]).toEqual([before.ino, before.mtimeMs])
  })

  it("replaces the file atomically (a new inode), tightens a 0644 file to 0600, and keeps other sections", async () => {
    await run(updateConfigFile(file, { org_id: "org-a" }))
    await writeFile(file, "[other]\nkeep = me\n\n[whylabs]\norg_id = org-a\n", { mode: 0o644 })
    const before = await stat(file)
    expect(await run(updateConfigFile(file, { org_id: "org-b", session_id: "s" }))).toBe(true)
    const after = await stat(file)
    expect(after.ino).not.toBe(before.ino)
    expect(after.mode & 0o777).toBe(0o600)
    expect(await readFile(file, "utf8")).toBe(
      "[other]\nkeep = me\n\n[whylabs]\norg_id = org-b\nsession_id = s\n",
    )
  })

  it("removes keys set to undefined and reads back what it wrote", async () => {
    await run(
      updateConfigFile(file, { api_key: "KEYID00000.secret", org_id: "org-a", default_dataset_id: "ds" }),
    )
    await run(updateConfigFile(file, { api_key: undefined }))
    const settings = await run(readConfigFile(file))
    expect([settings.apiKey, settings.orgId, settings.defaultDatasetId]).toEqual([undefined, "org-a", "ds"])
    expect(settings.lineOf("org_id")).toBe(2)
  })

  it("refuses to write over a malformed file, naming its line", async () => {
    await run(updateConfigFile(file, { org_id: "org-a" }))
    await writeFile(file, "[whylabs]\n???\n")
    const error = await run(Effect.flip(updateConfigFile(file, { org_id: "org-b" })))
    expect([error._tag, error.line]).toEqual(["ConfigError", 2])
    expect(await readFile(file, "utf8")).toBe("[whylabs]\n???\n")
  })

  it("treats a missing file as empty and an empty value as unset", async () => {
    const missing = await run(readConfigFile(join(dir, "absent.ini")))
    expect(missing.apiKey).toBeUndefined()
    await writeFile(join(dir, "empty.ini"), "[whylabs]\napi_key =\norg_id = \n")
    const empty = await run(readConfigFile(join(dir, "empty.ini")))
    expect([empty.apiKey, empty.orgId]).toEqual([undefined, undefined])
  })
})

describe("API keys", () => {
  const parse = (key: string) => parseApiKey(key, "test")

  it("parses <10-char id>.<secret> with an optional :org suffix, keeping the key redacted", () => {
    const parsed = parse("  AB12CD34EF.some-secret-value:org-xyz9 ")
    if (Either.isLeft(parsed)) throw parsed.left
    expect([parsed.right.keyId, parsed.right.orgId]).toEqual(["AB12CD34EF", "org-xyz9"])
    expect(Redacted.value(parsed.right.value)).toBe("AB12CD34EF.some-secret-value:org-xyz9")
    expect(String(parsed.right)).toBe("ApiKey(AB12CD34EF)")
    expect(JSON.stringify(parsed.right)).not.toContain("some-secret-value")
    const v1 = parse("AB12CD34EF.x")
    expect(Either.isRight(v1) && v1.right.orgId).toBeUndefined()
  })

  it("rejects keys of the wrong shape with a reason that never quotes them", () => {
    const cases: ReadonlyArray<[string, string]> = [
      ["", "empty"],
      ["AB12CD34EF.", "12 to 80"],
      [`AB12CD34EF.${"s".repeat(70)}`, "12 to 80"],
      ["AB12CD34EFX.secretsecret", "index 10"],
      ["AB12CD34EF.secret-value:acme", "org id"],
      ["AB12CD34EF.secret value", "whitespace"],
    ]
    for (const [key, reason] of cases) {
      const result = parse(key)
      expect(Either.isLeft(result), key).toBe(true)
      if (Either.isLeft(result)) {
        expect(result.left.message).toContain(reason)
        const secret = key.slice(11)
        if (secret.length > 0) expect(result.left.message).not.toContain(secret)
      }
    }
  })
})
