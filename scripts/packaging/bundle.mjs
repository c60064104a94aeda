#!/usr/bin/env node
// Bundles a package's published JavaScript (run as its `prepack`, in its folder): one ES module per
// entry point with shared chunks, from the TypeScript sources, with source maps that carry those
// sources. A tarball then holds a handful of JavaScript files instead of one `.js`, `.js.map`,
// `.d.ts.map` and `src/*.ts` per module, which on disk (4 KiB blocks each) was most of its size; the
// per-module `.d.ts` stay for the types. Dependencies stay external except those listed under `inline`
// (bundled in, so users do not install them). `publishConfig.exports` points the tarball at the bundle.
import { readFileSync, rmSync } from "node:fs"
import { join } from "node:path"
import { build } from "esbuild"

/** What each bundled package bundles: entry name → source, and dependencies to inline. */
const BUNDLES = {
  "@sketchlog/sketches": { entries: { index: "src/index.ts" }, inline: [] },
  "@sketchlog/core": {
    // One per entry point of the export map (see `entriesOf`), and the logger's worker thread, which
    // starts from this file, found next to the module that starts it.
    entries: { workerEntry: "src/logger/internal/worker/workerEntry.ts" },
    inline: ["@bufbuild/protobuf"],
  },
}

/**
 * The bundle's entries: the package's export map's entry points (`.` → `index`, `./profile` →
 * `profile`, …, from their `@sketchlog/source` sources; `publishConfig.exports` points each subpath at
 * `dist/bundle/<name>.js`), plus the configured ones.
 */
const entriesOf = (manifest, config) => {
  const entries = { ...config.entries }
  for (const [subpath, conditions] of Object.entries(manifest.exports ?? {})) {
    const source = conditions?.["@sketchlog/source"]
    if (typeof source !== "string") continue
    entries[subpath === "." ? "index" : subpath.slice(2)] = source
  }
  return entries
}

/** The folder the bundle is written to, inside `dist/` (so a clean build removes it). */
export const BUNDLE_DIR = "dist/bundle"

/** Bundles the package in `dir`; returns the files written. */
export const bundlePackage = async (dir) => {
  const manifest = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"))
  const config = BUNDLES[manifest.name]
  if (config === undefined) throw new Error(`${manifest.name} has no bundle configuration`)
  const external = Object.keys({ ...manifest.dependencies, ...manifest.peerDependencies }).filter(
    (name) => !config.inline.includes(name),
  )
  rmSync(join(dir, BUNDLE_DIR), { recursive: true, force: true })
  const result = await build({
    absWorkingDir: dir,
    entryPoints: entriesOf(manifest, config),
    outdir: BUNDLE_DIR,
    bundle: true,
    splitting: true,
    format: "esm",
    platform: "node",
    target: "node20",
    sourcemap: true,
    sourcesContent: true,
    external,
    metafile: true,
    logLevel: "warning",
  })
  return Object.keys(result.metafile.outputs)
}

if (process.argv[1] === new URL(import.meta.url).pathname) {
  const files = await bundlePackage(process.cwd())
  console.log(`bundled ${files.length} files into ${BUNDLE_DIR}`)
}
