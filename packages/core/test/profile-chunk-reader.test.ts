import { create, fromBinary, toBinary } from "@bufbuild/protobuf"
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import {
  ChunkHeaderSchema,
  ChunkMessageSchema,
  type MetricComponentMessage,
  MetricComponentMessageSchema,
} from "../src/profile/internal/gen/whylogs/messages_pb.js"
import { readChunkComponents, readChunkHeader } from "../src/profile/internal/wire/ChunkReader.js"

/** What the generic protobuf reader gives, keyed as the chunk reader keys it. */
const generic = (bytes: Uint8Array): Map<number, MetricComponentMessage> =>
  new Map(
    Object.entries(fromBinary(ChunkMessageSchema, bytes).metricComponents).map(([k, v]) => [Number(k), v]),
  )

/** Both readers agree: both throw, or both give the same components (compared as their encodings). */
const expectSameReading = (bytes: Uint8Array): void => {
  const outcome = (read: () => Map<number, MetricComponentMessage>) => {
    try {
      const components = read()
      return Array.from(components, ([k, v]) => [k, toBinary(MetricComponentMessageSchema, v)] as const).sort(
        ([a], [b]) => a - b,
      )
    } catch {
      return "throws"
    }
  }
  expect(outcome(() => readChunkComponents(bytes))).toEqual(outcome(() => generic(bytes)))
}

const sketchBytes = fc.uint8Array({ maxLength: 40 })
/** The kinds whylogs writes, which the chunk reader reads itself. */
const fastValue: fc.Arbitrary<MetricComponentMessage["value"]> = fc.oneof(
  fc.record({
    case: fc.constant("n" as const),
    value: fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }),
  }),
  fc.record({ case: fc.constant("n" as const), value: fc.bigInt({ min: 0n, max: 10n ** 6n }) }),
  fc.record({ case: fc.constant("d" as const), value: fc.double() }),
  fc.record({
    case: fc.constant("kll" as const),
    value: sketchBytes.map((sketch) => ({ $typeName: "KllSketchMessage" as const, sketch })),
  }),
  fc.record({
    case: fc.constant("hll" as const),
    value: sketchBytes.map((sketch) => ({ $typeName: "HllSketchMessage" as const, sketch })),
  }),
  fc.record({
    case: fc.constant("frequentItems" as const),
    value: sketchBytes.map((sketch) => ({ $typeName: "FrequentItemsSketchMessage" as const, sketch })),
  }),
  fc.constant({ case: undefined }),
)
/** Any kind, including those the chunk reader leaves to the generic reader. */
const value: fc.Arbitrary<MetricComponentMessage["value"]> = fc.oneof(
  fastValue,
  fc.record({
    case: fc.constant("cpc" as const),
    value: sketchBytes.map((sketch) => ({ $typeName: "CpcSketchMessage" as const, sketch })),
  }),
  fc.record({ case: fc.constant("serializedBytes" as const), value: sketchBytes }),
)
const chunkOf = (values: fc.Arbitrary<MetricComponentMessage["value"]>) =>
  fc
    .dictionary(
      fc.nat(300).map(String),
      fc.record({ typeId: fc.oneof(fc.constant(0), fc.nat()), value: values }),
      { maxKeys: 25 },
    )
    .map((components) =>
      toBinary(
        ChunkMessageSchema,
        create(ChunkMessageSchema, {
          metricComponents: Object.fromEntries(
            Object.entries(components).map(([k, c]) => [k, create(MetricComponentMessageSchema, c)]),
          ),
        }),
      ),
    )
const chunk = chunkOf(value)

describe("the chunk reader reads what the generic protobuf reader reads", () => {
  it("for every kind of component, value and key", () => {
    fc.assert(fc.property(chunkOf(fastValue), expectSameReading), { seed: 179, numRuns: 300 })
    fc.assert(fc.property(chunk, expectSameReading), { seed: 180, numRuns: 300 })
  })

  it("for every truncation and for corrupted bytes (the same error or the same result)", () => {
    fc.assert(
      fc.property(
        chunk,
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 4 }),
        (bytes, edits) => {
          for (let cut = 0; cut < bytes.length; cut += 1 + (bytes.length >> 5)) {
            expectSameReading(bytes.subarray(0, cut))
          }
          const edited = bytes.slice()
          for (const [at, b] of edits) if (edited.length > 0) edited[at % edited.length] = b
          expectSameReading(edited)
        },
      ),
      { seed: 181, numRuns: 200 },
    )
  })

  it("for repeated keys, repeated oneof fields, and a component with fields in any order", () => {
    // ChunkMessage entries appended by hand: key 3 twice (the last wins), a component whose value is
    // first an n, then a d (the last wins), with its type id after the value
    const entry = (key: number, component: Uint8Array) => [
      0x0a,
      component.length + 4,
      0x08,
      key,
      0x12,
      component.length,
      ...component,
    ]
    const n = [0x10, 0x05] // n = 5
    const d = [0x19, 0, 0, 0, 0, 0, 0, 0xf0, 0x3f] // d = 1.0
    const typeId = [0x08, 0x02]
    const bytes = Uint8Array.from([
      ...entry(3, Uint8Array.from(n)),
      ...entry(3, Uint8Array.from([...n, ...d, ...typeId])),
      ...entry(4, new Uint8Array(0)),
    ])
    expectSameReading(bytes)
    const read = readChunkComponents(bytes)
    expect(read.get(3)?.value).toEqual({ case: "d", value: 1 })
    expect(read.get(3)?.typeId).toBe(2)
    expect(read.get(4)?.value.case).toBeUndefined()
  })

  it("and chunk headers the same way (type, length, a tag, corrupted bytes)", () => {
    const header = fc
      .record({
        type: fc.oneof(fc.constant(2), fc.integer({ min: -5, max: 2 ** 31 - 1 })),
        tag: fc.oneof(fc.constant(""), fc.string({ maxLength: 5 })),
        length: fc.oneof(fc.nat(10_000), fc.nat()),
      })
      .map((h) => toBinary(ChunkHeaderSchema, create(ChunkHeaderSchema, h)))
    const outcome = (read: () => unknown) => {
      try {
        return toBinary(ChunkHeaderSchema, read() as never)
      } catch {
        return "throws"
      }
    }
    fc.assert(
      fc.property(
        header,
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 3 }),
        (bytes, edits) => {
          const edited = bytes.slice()
          for (const [at, b] of edits) if (edited.length > 0) edited[at % edited.length] = b
          for (const input of [bytes, edited, bytes.subarray(0, bytes.length >> 1)]) {
            expect(outcome(() => readChunkHeader(input))).toEqual(
              outcome(() => fromBinary(ChunkHeaderSchema, input)),
            )
          }
        },
      ),
      { seed: 182, numRuns: 300 },
    )
  })
})
