import type { NextConfig } from "next"

/**
 * The demo imports `@sketchlog/next` and `@sketchlog/core` as workspace packages, resolved like any
 * installed package: through their `exports` to the compiled `dist/` (the `build` script runs
 * `tsc -b` for them before `next build`). Turbopack compiles workspace packages itself and cannot be
 * told to use the `@sketchlog/source` export condition the tests use, so building them first is the
 * setup that works the same here as in a user's app. Edge bundles get `@sketchlog/next`'s edge entry
 * through its `edge-light` export condition.
 */
const config: NextConfig = {
  poweredByHeader: false,
  experimental: {
    // Server source maps double the build time of this small app (core and Effect are bundled); the
    // end-to-end test builds it on every run.
    turbopackSourceMaps: false,
    turbopackInputSourceMaps: false,
  },
}

export default config
