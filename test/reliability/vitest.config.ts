import { fileURLToPath } from "node:url"
import { defineConfig } from "vitest/config"
import { sourceConditions } from "../../vitest.shared.js"

const soak = process.env.RELIABILITY_MODE === "soak"

// A config of its own, not a project of the root workspace (`pnpm test`): `pnpm test:reliability`
// runs it alone and one file at a time, since the load test measures what two cores can serve and
// must not share them with other tests. Sibling packages resolve to their sources, as everywhere.
export default defineConfig({
  root: fileURLToPath(new URL(".", import.meta.url)),
  resolve: { conditions: sourceConditions },
  ssr: { resolve: { conditions: sourceConditions, externalConditions: ["@sketchlog/source"] } },
  test: {
    name: "reliability",
    include: ["test/**/*.test.ts"],
    fileParallelism: false,
    pool: "forks",
    testTimeout: soak ? 1_800_000 : 240_000,
    hookTimeout: 120_000,
  },
})
