#!/usr/bin/env node
// `pnpm publint`: lints every package as it would be published. Packs each one (`pnpm pack`, after
// `tsc -b`), then checks the tarball with publint (package.json against the files it ships) and with
// Are the Types Wrong (@arethetypeswrong/cli) in its ESM-only profile: the types must resolve for
// `node16`/`nodenext` ESM importers and bundlers; CommonJS `require` and `node10` resolution are
// outside that profile because the packages are ESM only (their READMEs say what such projects do).
//
//   pnpm publint             build, pack and check
//   pnpm publint --no-build  check what dist/ holds now
import { spawnSync } from "node:child_process"
import { mkdtempSync, readFileSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { publint } from "publint"
import { formatMessage } from "publint/utils"
import { packWorkspace, repositoryRoot } from "./packaging/packWorkspace.mjs"

const scratch = mkdtempSync(join(tmpdir(), "sketchlog-publint-"))
let problems = 0
try {
  const tarballs = packWorkspace(join(scratch, "packs"), { build: !process.argv.includes("--no-build") })
  for (const [name, tarball] of tarballs) {
    const bytes = readFileSync(tarball)
    const { messages, pkg } = await publint({
      pack: { tarball: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) },
      level: "suggestion",
      strict: true,
    })
    for (const message of messages) {
      problems += 1
      console.log(`${name}: publint ${message.type}: ${formatMessage(message, pkg) ?? message.code}`)
    }
    const attw = spawnSync(
      "pnpm",
      [
        "exec",
        "attw",
        tarball,
        "--profile",
        "esm-only",
        "--format",
        "table-flipped",
        "--no-emoji",
        "--no-color",
      ],
      { cwd: repositoryRoot, encoding: "utf8" },
    )
    if (attw.status !== 0) {
      problems += 1
      console.log(`${name}: are the types wrong:\n${attw.stdout}${attw.stderr}`)
    }
    console.log(`${name}: ${messages.length === 0 && attw.status === 0 ? "clean" : "see above"}`)
  }
} finally {
  rmSync(scratch, { recursive: true, force: true })
}
console.log(problems === 0 ? "\nevery package is clean" : `\n${problems} problem(s)`)
process.exit(problems === 0 ? 0 : 1)
