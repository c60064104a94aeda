import type { Row } from "../../src/index.js"

const WORDS = ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "india", "juliet"]

/** Deterministic pseudo-random numbers (xorshift32), so every run profiles the same rows. */
const random = (() => {
  let state = 0x9e3779b9
  return () => {
    state ^= state << 13
    state ^= state >>> 17
    state ^= state << 5
    return (state >>> 0) / 2 ** 32
  }
})()

/**
 * The 20-column row `bench:profile` and `bench:logger` measure with: 6 ints, 5 floats, 5 short
 * strings, 2 booleans, 2 mostly null. Rows come from one seeded stream, in the order they are made.
 */
export const mixedRow = (i: number): Row => ({
  id: i,
  age: Math.floor(random() * 90),
  count: Math.floor(random() * 1000),
  status: [200, 201, 204, 400, 404, 500][Math.floor(random() * 6)],
  bytes: Math.floor(random() * 1e6),
  retries: Math.floor(random() * 4),
  latency: random() * 250,
  score: random(),
  price: Math.round(random() * 10000) / 100,
  lat: random() * 180 - 90,
  lon: random() * 360 - 180,
  city: WORDS[Math.floor(random() ** 2 * WORDS.length)],
  method: random() < 0.7 ? "GET" : "POST",
  route: `/api/v1/items/${Math.floor(random() * 50)}`,
  country: ["US", "DE", "FR", "JP", "BR"][Math.floor(random() * 5)],
  user: `u${Math.floor(random() * 5000)}`,
  ok: random() < 0.9,
  cached: random() < 0.3,
  maybe_int: random() < 0.4 ? null : Math.floor(random() * 100),
  maybe_str: random() < 0.6 ? null : WORDS[Math.floor(random() * WORDS.length)],
})
