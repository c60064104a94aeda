/**
 * Vitest hooks over the fixtures. A subpath of its own (`@sketchlog/test-fixtures/vitest`), so the
 * demo and the benches, which import the fake platform outside vitest, never load vitest.
 */
export { type PlatformSandbox, usePlatformSandbox } from "./PlatformSandbox.js"
