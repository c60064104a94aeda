// An empty npm app in a temporary folder outside the workspace, as a new user starts one: `npm install`
// of what they would type, then what that install weighs.
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs"
import { readdir } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { run } from "./packWorkspace.mjs"

// pnpm passes its own settings to scripts as npm_config_* variables; npm would warn about (or obey) them.
const npmEnvironment = () =>
  Object.fromEntries(
    Object.entries(process.env).filter(
      ([key]) =>
        !/^npm_config_(verify_deps_before_run|user_agent)$/i.test(key) && !/^npm_package_/i.test(key),
    ),
  )

/** Creates an empty ESM app (`package.json` only) in a new temporary folder and returns that folder. */
export const createEmptyApp = (label) => {
  const dir = mkdtempSync(join(tmpdir(), `sketchlog-${label}-`))
  writeFileSync(
    join(dir, "package.json"),
    `${JSON.stringify({ name: `${label}-app`, private: true, type: "module" }, null, 2)}\n`,
  )
  return dir
}

/** `npm install <specs>` in `dir`, exactly as a user would type it (install scripts run, as for them). */
export const npmInstall = (dir, specs) =>
  run("npm", ["install", "--no-audit", "--no-fund", "--loglevel=error", ...specs], {
    cwd: dir,
    env: npmEnvironment(),
  })

/** Runs `npm`/`npx` in `dir` with the same environment as the install. */
export const npmEnvironmentFor = () => npmEnvironment()

/** Removes an app folder made by `createEmptyApp`. */
export const removeApp = (dir) => rmSync(dir, { recursive: true, force: true })

const walk = async (dir) => {
  let disk = 0
  let files = 0
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    const stat = statSync(path, { bigint: false, throwIfNoEntry: false })
    if (stat === undefined || entry.isSymbolicLink()) continue
    // du's figure: the blocks a file really takes (512-byte units), directories included.
    disk += stat.blocks * 512
    if (entry.isDirectory()) {
      const inner = await walk(path)
      disk += inner.disk
      files += inner.files
    } else files += stat.size
  }
  return { disk, files }
}

/**
 * What the install in `dir` weighs: the packages npm installed (its hidden lockfile's entries, nested
 * copies included, as npm's "added N packages" counts them), bytes on disk (as `du -s node_modules`
 * counts them) and bytes of file content, and the packages with an install script.
 */
export const footprint = async (dir) => {
  const lock = JSON.parse(readFileSync(join(dir, "node_modules", ".package-lock.json"), "utf8"))
  const entries = Object.entries(lock.packages).filter(([path, entry]) => path !== "" && entry.link !== true)
  const nameOf = (path) => path.slice(path.lastIndexOf("node_modules/") + "node_modules/".length)
  const modules = join(dir, "node_modules")
  const { disk, files } = await walk(modules)
  return {
    packages: entries.length,
    names: new Set(entries.map(([path]) => nameOf(path))),
    diskBytes: disk + statSync(modules).blocks * 512,
    fileBytes: files,
    installScripts: entries
      .filter(([, entry]) => entry.hasInstallScript === true)
      .map(([path]) => nameOf(path)),
  }
}
