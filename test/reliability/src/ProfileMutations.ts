import { DatasetProfile } from "@sketchlog/core"
import { SegmentedDatasetProfile } from "@sketchlog/core/profile"
import fc from "fast-check"

/** Reads a protobuf varint at `at`: its value and byte length, or undefined when it runs off the end. */
const readVarint = (bytes: Uint8Array, at: number): { value: number; length: number } | undefined => {
  let value = 0
  let scale = 1
  for (let i = 0; i < 10 && at + i < bytes.length; i++) {
    const b = bytes[at + i]!
    value += (b & 0x7f) * scale
    scale *= 128
    if ((b & 0x80) === 0) return { value, length: i + 1 }
  }
  return undefined
}

/** A protobuf varint of `value` (up to 2^64 − 1). */
const varint = (value: bigint): Uint8Array => {
  const out: number[] = []
  let v = BigInt.asUintN(64, value)
  do {
    const low = Number(v & 0x7fn)
    v >>= 7n
    out.push(v > 0n ? low | 0x80 : low)
  } while (v > 0n)
  return Uint8Array.from(out)
}

/**
 * Where a file's length prefixes are: the two varint-delimited headers after `WHY1`, and every byte
 * that reads as a one-byte protobuf tag of a length-delimited field followed by a varint that fits in
 * what is left (most are real length fields; the others make their own kind of damage).
 */
export const lengthFields = (bytes: Uint8Array): Array<{ at: number; length: number; value: number }> => {
  const found: Array<{ at: number; length: number; value: number }> = []
  let at = 4
  for (let header = 0; header < 2; header++) {
    const v = readVarint(bytes, at)
    if (v === undefined) break
    found.push({ at, length: v.length, value: v.value })
    at += v.length + v.value
  }
  for (let i = 4; i < bytes.length - 1; i++) {
    const tag = bytes[i]!
    if ((tag & 0x07) !== 2 || tag >> 3 === 0 || tag >= 0x80) continue
    const v = readVarint(bytes, i + 1)
    if (v !== undefined && v.value <= bytes.length - (i + 1 + v.length)) found.push({ at: i + 1, ...v })
  }
  return found
}

/** One way of damaging a file; positions are fractions of the file so they fit any file. */
export type Mutation =
  | { readonly kind: "truncate"; readonly at: number }
  | { readonly kind: "flip"; readonly bits: ReadonlyArray<readonly [number, number]> }
  | { readonly kind: "length"; readonly which: number; readonly value: bigint; readonly pastEnd: boolean }
  | { readonly kind: "overwrite"; readonly at: number; readonly bytes: Uint8Array }
  | { readonly kind: "insert"; readonly at: number; readonly bytes: Uint8Array }
  | { readonly kind: "delete"; readonly at: number; readonly count: number }

const fraction = fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true })

/** Damage of every kind the issue names, and some more. */
export const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fraction.map((at) => ({ kind: "truncate" as const, at })),
  fc
    .array(fc.tuple(fraction, fc.integer({ min: 0, max: 7 })), { minLength: 1, maxLength: 8 })
    .map((bits) => ({ kind: "flip" as const, bits })),
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant("length" as const),
      which: fraction,
      value: fc.constantFrom(0n, 2n ** 31n - 1n, 2n ** 32n + 5n, 2n ** 53n, 2n ** 63n, 2n ** 64n - 1n),
      pastEnd: fc.boolean(),
    }),
  },
  fc.record({
    kind: fc.constant("overwrite" as const),
    at: fraction,
    bytes: fc.uint8Array({ minLength: 1, maxLength: 16 }),
  }),
  fc.record({
    kind: fc.constant("insert" as const),
    at: fraction,
    bytes: fc.uint8Array({ minLength: 1, maxLength: 16 }),
  }),
  fc.record({ kind: fc.constant("delete" as const), at: fraction, count: fc.integer({ min: 1, max: 64 }) }),
)

/** `file` damaged by `m` (a new array). */
export const mutate = (file: Uint8Array, m: Mutation): Uint8Array => {
  const at = (f: number) => Math.min(file.length - 1, Math.floor(f * file.length))
  switch (m.kind) {
    case "truncate":
      return file.slice(0, at(m.at))
    case "flip": {
      const out = file.slice()
      for (const [pos, bit] of m.bits) out[at(pos)]! ^= 1 << bit
      return out
    }
    case "length": {
      const fields = lengthFields(file)
      if (fields.length === 0) return file.slice(0, at(0.5))
      const field = fields[Math.floor(m.which * fields.length)]!
      const remaining = file.length - (field.at + field.length)
      // Past the end: just beyond what is left, or a huge count.
      const value = m.pastEnd ? BigInt(remaining + 1 + Number(m.value % 1000n)) : m.value
      const out = new Uint8Array(file.length - field.length + varint(value).length)
      out.set(file.subarray(0, field.at))
      out.set(varint(value), field.at)
      out.set(file.subarray(field.at + field.length), field.at + varint(value).length)
      return out
    }
    case "overwrite": {
      const out = file.slice()
      out.set(m.bytes.subarray(0, Math.max(0, file.length - at(m.at))), at(m.at))
      return out
    }
    case "insert":
      return Uint8Array.from([...file.subarray(0, at(m.at)), ...m.bytes, ...file.subarray(at(m.at))])
    case "delete":
      return Uint8Array.from([...file.subarray(0, at(m.at)), ...file.subarray(at(m.at) + m.count)])
  }
}

/** What the mutation did, for a failure report. */
export const describeMutation = (m: Mutation): string =>
  JSON.stringify(m, (_, v) => (typeof v === "bigint" ? `${v}n` : v instanceof Uint8Array ? Array.from(v) : v))

/** Profiles sketchlog writes: every metric family, NaN/±Infinity, nulls, objects, and a segmented one. */
export const sketchlogProfiles = (): Uint8Array[] => {
  const profile = new DatasetProfile({ datasetTimestamp: Date.UTC(2024, 0, 1), tags: { env: "fuzz" } })
  for (let i = 0; i < 3_000; i++) {
    profile.track({
      id: i,
      score: i % 97 === 0 ? Number.NaN : Math.sin(i) * 1e6,
      name: `user-${i % 311}`,
      ok: i % 3 === 0,
      big: i % 50 === 0 ? Number.POSITIVE_INFINITY : 2 ** 60 + i,
      maybe: i % 2 === 0 ? null : "x",
      nested: { a: i },
    })
  }
  const segmented = new SegmentedDatasetProfile({
    segmentOn: ["route"],
    datasetTimestamp: Date.UTC(2024, 0, 1),
  })
  for (let i = 0; i < 500; i++)
    segmented.track({ route: i % 2 ? "/a" : "/b", ms: i * 0.5, code: 200 + (i % 3) })
  return [profile.view().serialize(), ...segmented.views().map((v) => v.serialize())]
}
