#!/usr/bin/env node
// `pnpm size`: what `npm install` of each adapter weighs in a new app, beside the usual alternatives.
// Packs every package (`pnpm pack`, after `tsc -b`), installs the tarballs with npm into empty apps in a
// temporary folder outside the workspace, and prints packages and MB per app.
//
//   pnpm size              every app (Next.js included: about a minute more)
//   pnpm size --no-next    without the two Next.js apps
//   pnpm size --no-build   pack what dist/ holds now
import { execSync } from "node:child_process"
import { mkdtempSync, readFileSync, rmSync } from "node:fs"
import { loadavg, tmpdir } from "node:os"
import { join } from "node:path"
import { createEmptyApp, footprint, npmInstall, removeApp } from "./packaging/emptyApp.mjs"
import { packWorkspace, repositoryRoot } from "./packaging/packWorkspace.mjs"

const args = process.argv.slice(2)
const withNext = !args.includes("--no-next")
const manifest = (folder) => JSON.parse(readFileSync(join(repositoryRoot, folder, "package.json"), "utf8"))

// The versions users get are the ones this repository builds and tests against.
const core = manifest("packages/core").dependencies
const express = manifest("packages/express").devDependencies
const nest = manifest("packages/nest").devDependencies
const next = manifest("packages/next").devDependencies
const spec = (name, range) => `${name}@${range}`
const effect = [spec("effect", core.effect), spec("@effect/platform", core["@effect/platform"])]
const expressApp = [spec("express", express.express)]
const nestApp = [
  spec("@nestjs/common", nest["@nestjs/common"]),
  spec("@nestjs/core", nest["@nestjs/core"]),
  spec("@nestjs/platform-express", nest["@nestjs/platform-express"]),
  spec("reflect-metadata", nest["reflect-metadata"]),
  spec("rxjs", nest.rxjs),
]
const nextApp = [spec("next", next.next), spec("react", next.react), spec("react-dom", next["react-dom"])]

const scratch = mkdtempSync(join(tmpdir(), "sketchlog-size-"))
const startedAt = Date.now()
const load = loadavg()[0]
try {
  const tarballs = packWorkspace(join(scratch, "packs"), { build: !args.includes("--no-build") })
  // A tarball's own dependencies on sibling packages resolve to the sibling tarballs, not the registry.
  const ours = (...names) =>
    names.flatMap((name) => ["@sketchlog/sketches", "@sketchlog/core", name].map((n) => tarballs.get(n)))
  const apps = [
    { label: "express", specs: expressApp },
    { label: "express + pino-http", specs: [...expressApp, spec("pino-http", express["pino-http"])] },
    { label: "express + effect + @effect/platform", specs: [...expressApp, ...effect] },
    {
      label: "express + @sketchlog/express",
      specs: [...expressApp, ...ours("@sketchlog/express")],
      floor: "express + effect + @effect/platform",
    },
    { label: "Nest 12", specs: nestApp },
    { label: "Nest 12 + effect + @effect/platform", specs: [...nestApp, ...effect] },
    {
      label: "Nest 12 + @sketchlog/nest",
      specs: [...nestApp, ...ours("@sketchlog/nest")],
      floor: "Nest 12 + effect + @effect/platform",
    },
    ...(withNext
      ? [
          { label: "next", specs: nextApp },
          { label: "next + effect + @effect/platform", specs: [...nextApp, ...effect] },
          {
            label: "next + @sketchlog/next",
            specs: [...nextApp, ...ours("@sketchlog/next")],
            floor: "next + effect + @effect/platform",
          },
        ]
      : []),
    { label: "@sketchlog/cli (alone)", specs: ours("@sketchlog/cli") },
  ]
  const rows = []
  for (const app of apps) {
    const dir = createEmptyApp("size")
    try {
      process.stderr.write(`installing ${app.label}…\n`)
      npmInstall(dir, [...new Set(app.specs)])
      const measured = await footprint(dir)
      // What an adapter adds beyond the app with effect + @effect/platform (the floor Effect sets).
      const floor = rows.find((row) => row.label === app.floor)
      const beyond = floor && [...measured.names].filter((name) => !floor.names.has(name)).sort()
      rows.push({ ...app, ...measured, beyond })
    } finally {
      removeApp(dir)
    }
  }
  const mb = (bytes) => (bytes / 1024 / 1024).toFixed(1)
  const lines = [
    "| `npm install` of | packages | MB on disk | MB of files | install scripts | beyond effect + @effect/platform |",
    "|---|---:|---:|---:|---|---|",
    ...rows.map(
      (row) =>
        `| ${row.label} | ${row.packages} | ${mb(row.diskBytes)} | ${mb(row.fileBytes)} | ` +
        `${row.installScripts.join(", ") || "none"} | ${row.beyond === undefined ? "" : row.beyond.join(", ") || "nothing"} |`,
    ),
  ]
  console.log(lines.join("\n"))
  console.log(
    `\nnpm ${execSync("npm --version").toString().trim()}, ` +
      `Node ${process.version}; MB on disk as \`du -s node_modules\` counts it (MiB); ` +
      `${Math.round((Date.now() - startedAt) / 1000)} s, load average ${load.toFixed(1)} at the start.`,
  )
} finally {
  rmSync(scratch, { recursive: true, force: true })
}
