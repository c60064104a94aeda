import { SketchError } from "../src/index.js"

/** Runs `f` and returns the SketchError it throws (failing if it throws anything else or nothing). */
export const sketchError = (f: () => unknown): SketchError => {
  try {
    f()
  } catch (e) {
    if (e instanceof SketchError) return e
    throw new Error(`expected a SketchError, got ${String(e)}`)
  }
  throw new Error("expected a SketchError, but nothing was thrown")
}
