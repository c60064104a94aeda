// Packs every publishable workspace package (packages/*, not private) with `pnpm pack`, as a maintainer
// would publish it: `workspace:*` ranges become the real versions, `files` decides what ships.
import { spawnSync } from "node:child_process"
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from "node:fs"
import { join } from "node:path"
import { fileURLToPath } from "node:url"

/** The repository's root folder. */
export const repositoryRoot = fileURLToPath(new URL("../..", import.meta.url))

/** The publishable packages: name, folder and package.json of each, in folder order. */
export const publishablePackages = () =>
  readdirSync(join(repositoryRoot, "packages"))
    .map((folder) => join(repositoryRoot, "packages", folder))
    .filter((dir) => existsSync(join(dir, "package.json")))
    .map((dir) => ({ dir, manifest: JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) }))
    .filter(({ manifest }) => manifest.private !== true)
    .map(({ dir, manifest }) => ({ name: manifest.name, dir, manifest }))

/** Runs a command, failing with its output when it fails. */
export const run = (command, args, options = {}) => {
  const result = spawnSync(command, args, { encoding: "utf8", maxBuffer: 64 * 1024 * 1024, ...options })
  if (result.status !== 0) {
    const output = `${result.stdout ?? ""}${result.stderr ?? ""}`.trim()
    throw new Error(`${command} ${args.join(" ")} failed (exit ${result.status}):\n${output}`)
  }
  return result.stdout ?? ""
}

/**
 * Builds the publishable packages from scratch (`tsc -b` after removing their `dist/`, so no output of
 * a deleted source is left to ship) unless `build: false`, then packs each one into `destination`.
 * Returns a map from package name to its tarball's absolute path.
 */
export const packWorkspace = (destination, { build = true } = {}) => {
  if (build) {
    for (const { dir } of publishablePackages()) rmSync(join(dir, "dist"), { recursive: true, force: true })
    run("pnpm", ["build"], { cwd: repositoryRoot })
  }
  mkdirSync(destination, { recursive: true })
  const tarballs = new Map()
  for (const { name, dir } of publishablePackages()) {
    const output = run("pnpm", ["pack", "--pack-destination", destination], { cwd: dir })
    const tarball = output
      .trim()
      .split("\n")
      .map((line) => line.trim())
      .findLast((line) => line.endsWith(".tgz"))
    if (tarball === undefined) throw new Error(`pnpm pack printed no tarball for ${name}:\n${output}`)
    tarballs.set(name, tarball.startsWith("/") ? tarball : join(destination, tarball))
  }
  return tarballs
}
