/**
 * The columns of the fleet benches' stored profile (`bench:fleet` uploads it, `bench:merge --fleet`
 * times decode + merge of it): 20 columns of `rows` rows — 8 fractional, 6 integral (up to
 * 10^1..10^6 distinct), 6 string (4^1..4^6 distinct) — seeded by `seed`, so both benches measure the
 * same profile.
 */
export const fleetColumns = (seed: number, rows: number): Record<string, unknown[]> => {
  // a Lehmer generator: the numbers the fleet figures in docs/perf were measured on
  let state = seed * 7919 + 1
  const next = () => {
    state = (state * 48271) % 2147483647
    return state / 2147483647
  }
  const columns: Record<string, unknown[]> = {}
  for (let c = 0; c < 8; c++) columns[`f${c}`] = Array.from({ length: rows }, () => next() * 1000)
  for (let c = 0; c < 6; c++)
    columns[`i${c}`] = Array.from({ length: rows }, () => Math.floor(next() * 10 ** (c + 1)))
  for (let c = 0; c < 6; c++)
    columns[`s${c}`] = Array.from({ length: rows }, () => `v${Math.floor(next() * 4 ** (c + 1))}`)
  return columns
}
