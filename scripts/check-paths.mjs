#!/usr/bin/env node
// Fails (exit 1) when a tracked file reads a path outside the repository: a relative path or import
// that climbs above the repository root, a `".."` joined onto the root, an absolute path of a
// developer's machine, or the old shared-folder variable. A fresh clone must hold everything its own
// tests, demos and scripts read. Run by `pnpm lint`; it checks itself on known cases first, so a guard
// that stopped finding anything fails too.
//
// A line that must name such a path on purpose (a path-traversal test's input) carries the comment
// `outside-repo: <why>` on that line or the line above.
import { execFileSync } from "node:child_process"
import { readFileSync } from "node:fs"
import { dirname, isAbsolute, join, relative, resolve, sep } from "node:path"
import { fileURLToPath } from "node:url"

const CHECKED = /\.(ts|tsx|mts|cts|js|mjs|cjs|json|sh|ya?ml|md)$|(^|\/)\.ci\/run$/
const ALLOW = /outside-repo:/
/** String literals and Markdown link targets (no template interpolation). */
const LITERAL = /"((?:[^"\\\n]|\\.)*)"|'((?:[^'\\\n]|\\.)*)'|`([^`$\n]*)`|\]\(([^)\s]+)\)/g
/** A `".."` joined directly onto the repository root. */
const ROOT_CLIMB = /\b(repoRoot|workspaceRoot|rootDir|process\.cwd\(\))\s*,\s*(["'`])\.\.\2/
/** Home and workspace folders of a machine (never in a repository). */
const MACHINE_PATH = /^(\/work\/|\/home\/[^/]+\/|\/Users\/[^/]+\/|\/root\/)/
/** The variable that once pointed the tests at a folder beside the repository (assembled, so this file does not name it). */
const OLD_VARIABLE = ["SKETCHLOG", "SHARED", "DIR"].join("_")
const OLD_SHARED = new RegExp(`\\b${OLD_VARIABLE}\\b`)

/**
 * The problems in one file's text: `{ line, text }` for each line that reads outside `root`.
 * @param {string} root absolute repository root
 * @param {string} file path relative to the root, '/'-separated
 * @param {string} text the file's content
 * @returns {Array<{ line: number, text: string, reason: string }>}
 */
export const findOutsidePaths = (root, file, text) => {
  const found = []
  const lines = text.split("\n")
  const fileDir = dirname(join(root, file))
  const escapes = (path) => {
    const rel = relative(root, path)
    return rel === ".." || rel.startsWith(`..${sep}`) || isAbsolute(rel)
  }
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]
    if (ALLOW.test(line) || (i > 0 && ALLOW.test(lines[i - 1]))) continue
    const report = (reason) => found.push({ line: i + 1, text: line.trim(), reason })
    if (OLD_SHARED.test(line)) report(`names ${OLD_VARIABLE}`)
    if (ROOT_CLIMB.test(line)) report('joins ".." onto the repository root')
    for (const match of line.matchAll(LITERAL)) {
      const literal = match[1] ?? match[2] ?? match[3] ?? match[4] ?? ""
      if (MACHINE_PATH.test(literal)) report(`names a machine's folder: ${literal}`)
      else if (/(^|\/)\.\.(\/|$)/.test(literal) && !/^[a-z]+:\/\//i.test(literal)) {
        const path = literal.split(/[?#]/)[0]
        if (escapes(resolve(fileDir, path))) report(`climbs above the repository root: ${literal}`)
      }
    }
  }
  return found
}

/** Cases the guard must judge right, or it is broken. */
const selfTest = () => {
  const root = resolve("/repo")
  // a folder beside the repository, assembled so this file does not read as one that climbs out
  const SIBLING = ["sha", "red"].join("")
  const cases = [
    [
      "test-fixtures/src/vectors.ts",
      `process.env.${OLD_VARIABLE} ?? join(repoRoot, "..", "${SIBLING}")`,
      true,
    ],
    ["test-fixtures/src/vectors.ts", `const dir = "../../../${SIBLING}/vectors"`, true],
    ["packages/core/test/a.test.ts", 'import x from "../../../../elsewhere/x.js"', true],
    ["README.md", `see [the design](../${SIBLING}/DESIGN.md)`, true],
    ["scripts/x.mjs", 'readFileSync("/home/alice/project/data.bin")', true],
    ["packages/core/vitest.config.ts", 'import { projectConfig } from "../../vitest.shared.js"', false],
    ["packages/core/test/a.test.ts", 'import { x } from "../src/x.js"', false],
    ["packages/cli/test/a.test.ts", 'const browser = "/usr/bin/chromium"', false],
    [
      "packages/cli/test/a.test.ts",
      'get("/../../etc/passwd") // outside-repo: a traversal attempt the server must refuse',
      false,
    ],
  ]
  for (const [file, text, bad] of cases) {
    const found = findOutsidePaths(root, file, text).length > 0
    if (found !== bad) {
      console.error(`check-paths: self-test failed: ${file}: ${text} should ${bad ? "" : "not "}be reported`)
      process.exit(70)
    }
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  selfTest()
  const root = execFileSync("git", ["rev-parse", "--show-toplevel"], { encoding: "utf8" }).trim()
  const files = execFileSync("git", ["ls-files", "-z"], { cwd: root, encoding: "utf8" })
    .split("\0")
    .filter(
      (file) =>
        CHECKED.test(file) &&
        !file.startsWith("test-fixtures/vectors/") &&
        file !== "pnpm-lock.yaml" &&
        file !== "scripts/check-paths.mjs", // its own examples
    )
  let problems = 0
  for (const file of files) {
    let text
    try {
      text = readFileSync(join(root, file), "utf8")
    } catch {
      continue // listed but deleted in the working tree
    }
    for (const problem of findOutsidePaths(root, file, text)) {
      problems++
      console.error(`${file}:${problem.line}: ${problem.reason}\n    ${problem.text}`)
    }
  }
  if (problems > 0) {
    console.error(
      `check-paths: ${problems} place(s) read outside the repository; a fresh clone must hold what it reads (mark a deliberate one with "outside-repo: <why>")`,
    )
    process.exit(1)
  }
  console.log(`check-paths: ${files.length} tracked files read nothing outside the repository`)
}
