/**
 * Seeded samples for tests and benchmarks: the same numbers on every run and machine, so a drift
 * verdict or a measured error does not change between runs.
 */
import { seededRandom } from "@sketchlog/loan-model"

/**
 * mulberry32: a small seeded generator of uniforms in [0, 1). The loan model's `seededRandom`, the one
 * generator the demos' traffic and the tests draw from.
 */
export const uniforms = (seed: number): (() => number) => seededRandom(seed)

/** `count` draws from N(mean, sd²) by Box–Muller. */
export const normals = (seed: number, count: number, mean = 0, sd = 1): number[] => {
  const next = uniforms(seed)
  const out: number[] = []
  while (out.length < count) {
    const u = 1 - next()
    const v = next()
    const r = Math.sqrt(-2 * Math.log(u))
    out.push(mean + sd * r * Math.cos(2 * Math.PI * v))
    if (out.length < count) out.push(mean + sd * r * Math.sin(2 * Math.PI * v))
  }
  return out
}

/** `count` draws of categories with the given weights. */
export const categories = (
  seed: number,
  count: number,
  weights: Readonly<Record<string, number>>,
): string[] => {
  const next = uniforms(seed)
  const entries = Object.entries(weights)
  const total = entries.reduce((s, [, w]) => s + w, 0)
  return Array.from({ length: count }, () => {
    let x = next() * total
    for (const [value, w] of entries) {
      x -= w
      if (x < 0) return value
    }
    return entries[entries.length - 1]![0]
  })
}
