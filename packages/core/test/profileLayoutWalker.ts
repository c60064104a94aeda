import { BinaryReader, WireType } from "@bufbuild/protobuf/wire"

/**
 * A reader of whylogs v1 bytes written for the tests from FORMATS.md alone: it walks raw protobuf
 * tags and varints with the generic wire reader, never sketchlog's generated schemas or its profile
 * reader, and asserts every structural rule on the way (magic, delimited headers, field numbers and
 * wire types, sorted columns, offsets from the end of the header, chunk lengths, indexed paths).
 */
export interface WalkedComponent {
  readonly typeId: number
  readonly field: "n" | "d" | "frequent_items" | "hll" | "kll" | "other"
  readonly value: bigint | number | Uint8Array
}

export interface WalkedProfile {
  readonly hasSegments: boolean
  readonly segmentTags: Array<[string, string]>
  readonly segmentOffsets: Map<number, bigint>
  readonly creationTimestamp: bigint
  readonly datasetTimestamp: bigint
  readonly tags: Map<string, string>
  readonly metadata: Map<string, string>
  readonly paths: Map<number, string>
  readonly columnOffsets: Map<string, bigint[]>
  readonly length: bigint
  readonly columns: Map<string, Map<string, WalkedComponent>>
  readonly headerEnd: number
  /** Bytes after the chunk area (0 in what sketchlog writes). */
  readonly trailing: number
}

/** uint64 as a bigint (the wire reader may give a string where BigInt is missing). */
const u64 = (reader: BinaryReader): bigint => BigInt(reader.uint64())

const fail = (message: string): never => {
  throw new Error(`layout: ${message}`)
}

const fields = (
  bytes: Uint8Array,
  visit: (field: number, wire: WireType, reader: BinaryReader) => void,
): void => {
  const reader = new BinaryReader(bytes)
  while (reader.pos < reader.len) {
    const [field, wire] = reader.tag()
    const before = reader.pos
    visit(field, wire, reader)
    if (reader.pos === before) reader.skip(wire, field)
  }
}

const expectWire = (actual: WireType, expected: WireType, what: string): void => {
  if (actual !== expected) fail(`${what}: wire type ${actual}, expected ${expected}`)
}

const mapEntry = (bytes: Uint8Array): { key: unknown; value: unknown; keyWire?: WireType } => {
  const entry: { key: unknown; value: unknown } = { key: undefined, value: undefined }
  fields(bytes, (field, wire, r) => {
    if (field === 1) entry.key = wire === WireType.LengthDelimited ? r.bytes() : u64(r)
    else if (field === 2) entry.value = wire === WireType.LengthDelimited ? r.bytes() : u64(r)
  })
  return entry
}

const text = (value: unknown): string => new TextDecoder("utf-8", { fatal: true }).decode(value as Uint8Array)

const delimited = (bytes: Uint8Array, at: number): { body: Uint8Array; end: number } => {
  const r = new BinaryReader(bytes.subarray(at))
  const size = r.uint32()
  const start = at + r.pos
  if (start + size > bytes.length) fail(`delimited message at ${at} runs past the end`)
  return { body: bytes.subarray(start, start + size), end: start + size }
}

export const walkProfile = (bytes: Uint8Array): WalkedProfile => {
  if (text(bytes.subarray(0, 4)) !== "WHY1") fail("magic is not WHY1")
  const segment = delimited(bytes, 4)
  let hasSegments = false
  const segmentTags: Array<[string, string]> = []
  const segmentOffsets = new Map<number, bigint>()
  fields(segment.body, (field, wire, r) => {
    if (field === 1) {
      expectWire(wire, WireType.Varint, "has_segments")
      hasSegments = r.bool()
    } else if (field === 4) {
      expectWire(wire, WireType.LengthDelimited, "segments")
      fields(r.bytes(), (f, w, sr) => {
        if (f !== 1) return
        expectWire(w, WireType.LengthDelimited, "Segment.tags")
        const tag = { key: "", value: "" }
        fields(sr.bytes(), (tf, _tw, tr) => {
          if (tf === 1) tag.key = tr.string()
          else if (tf === 2) tag.value = tr.string()
        })
        segmentTags.push([tag.key, tag.value])
      })
    } else if (field === 5) {
      expectWire(wire, WireType.LengthDelimited, "offsets")
      const entry = mapEntry(r.bytes())
      segmentOffsets.set(Number(entry.key ?? 0n), (entry.value as bigint | undefined) ?? 0n)
    }
  })

  const header = delimited(bytes, segment.end)
  let creationTimestamp = 0n
  let datasetTimestamp = 0n
  const tags = new Map<string, string>()
  const metadata = new Map<string, string>()
  const paths = new Map<number, string>()
  const columnOffsets = new Map<string, bigint[]>()
  let length = -1n
  fields(header.body, (field, wire, r) => {
    if (field === 1) {
      expectWire(wire, WireType.LengthDelimited, "properties")
      fields(r.bytes(), (pf, pw, pr) => {
        if (pf === 4) {
          expectWire(pw, WireType.Varint, "creation_timestamp")
          creationTimestamp = u64(pr)
        } else if (pf === 5) {
          expectWire(pw, WireType.Varint, "dataset_timestamp")
          datasetTimestamp = u64(pr)
        } else if (pf === 6 || pf === 7) {
          const entry = mapEntry(pr.bytes())
          ;(pf === 6 ? tags : metadata).set(
            text(entry.key ?? new Uint8Array()),
            text(entry.value ?? new Uint8Array()),
          )
        }
      })
    } else if (field === 2) {
      expectWire(wire, WireType.LengthDelimited, "column_offsets")
      const entry = mapEntry(r.bytes())
      const offsets: bigint[] = []
      fields((entry.value as Uint8Array | undefined) ?? new Uint8Array(), (of, ow, or) => {
        if (of !== 1) return
        if (ow === WireType.LengthDelimited) {
          const packed = new BinaryReader(or.bytes())
          while (packed.pos < packed.len) offsets.push(u64(packed))
        } else offsets.push(u64(or))
      })
      columnOffsets.set(text(entry.key ?? new Uint8Array()), offsets)
    } else if (field === 4) {
      expectWire(wire, WireType.Varint, "length")
      length = u64(r)
    } else if (field === 5) {
      expectWire(wire, WireType.LengthDelimited, "indexed_metric_paths")
      const entry = mapEntry(r.bytes())
      paths.set(Number(entry.key ?? 0n), text(entry.value ?? new Uint8Array()))
    }
  })
  if (length < 0n) fail("profile header has no length")
  // whylogs' segmented writer copies its temp file in 1 KiB reads that run past the chunk area into
  // the segment header it wrote there, so its segmented files end with up to 9 stray bytes.
  const trailing = bytes.length - header.end - Number(length)
  if (trailing < 0) fail(`length ${length} but only ${bytes.length - header.end} bytes follow the header`)

  const sortedPaths: string[] = []
  for (let i = 0; i < paths.size; i++) {
    sortedPaths.push(paths.get(i) ?? fail(`indexed_metric_paths is not numbered 0..N-1: ${i} missing`))
  }
  for (let i = 1; i < sortedPaths.length; i++) {
    if ((sortedPaths[i - 1] as string) >= (sortedPaths[i] as string)) fail("indexed_metric_paths not sorted")
  }

  const names = Array.from(columnOffsets.keys())
  const columns = new Map<string, Map<string, WalkedComponent>>()
  let expectedOffset = 0n
  for (const name of names.slice().sort()) {
    const [offset] = columnOffsets.get(name) as bigint[]
    if (offset !== expectedOffset)
      fail(`column ${name} at ${offset}, expected ${expectedOffset} (sorted, contiguous)`)
    const chunkHeader = delimited(bytes, header.end + Number(offset))
    let type = 0
    let chunkLength = 0
    fields(chunkHeader.body, (f, w, cr) => {
      if (f === 1) {
        expectWire(w, WireType.Varint, "ChunkHeader.type")
        type = cr.int32()
      } else if (f === 3) {
        expectWire(w, WireType.Varint, "ChunkHeader.length")
        chunkLength = cr.uint32()
      }
    })
    if (type !== 2) fail(`column ${name}: chunk type ${type}, expected COLUMN (2)`)
    const chunk = bytes.subarray(chunkHeader.end, chunkHeader.end + chunkLength)
    const components = new Map<string, WalkedComponent>()
    fields(chunk, (f, w, cr) => {
      if (f !== 1) fail(`column ${name}: ChunkMessage field ${f}`)
      expectWire(w, WireType.LengthDelimited, "ChunkMessage.metric_components")
      const entry = mapEntry(cr.bytes())
      const index = Number(entry.key ?? 0n)
      const path = paths.get(index) ?? fail(`column ${name}: index ${index} not in indexed_metric_paths`)
      components.set(path, component(entry.value as Uint8Array))
    })
    columns.set(name, components)
    expectedOffset = BigInt(chunkHeader.end + chunkLength - header.end)
  }
  if (expectedOffset !== length) fail(`chunks end at ${expectedOffset}, header says ${length}`)
  return {
    hasSegments,
    segmentTags,
    segmentOffsets,
    creationTimestamp,
    datasetTimestamp,
    tags,
    metadata,
    paths,
    columnOffsets,
    length,
    columns,
    headerEnd: header.end,
    trailing,
  }
}

const component = (bytes: Uint8Array): WalkedComponent => {
  let typeId = 0
  let out: Omit<WalkedComponent, "typeId"> | undefined
  fields(bytes, (field, wire, r) => {
    if (field === 1) typeId = r.uint32()
    else if (field === 2) {
      expectWire(wire, WireType.Varint, "n")
      out = { field: "n", value: BigInt(r.int64()) }
    } else if (field === 3) {
      expectWire(wire, WireType.Bit64, "d")
      out = { field: "d", value: r.double() }
    } else if (field === 4 || field === 5 || field === 6) {
      expectWire(wire, WireType.LengthDelimited, "sketch message")
      let sketch: Uint8Array = new Uint8Array()
      fields(r.bytes(), (sf, _sw, sr) => {
        if (sf === 1) sketch = sr.bytes()
      })
      out = { field: field === 4 ? "frequent_items" : field === 5 ? "hll" : "kll", value: sketch }
    } else {
      r.skip(wire, field)
      out = { field: "other", value: new Uint8Array() }
    }
  })
  return { typeId, ...(out ?? fail("metric component without a value")) }
}
