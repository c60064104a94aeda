import { create, toBinary } from "@bufbuild/protobuf"
import { sizeDelimitedEncode } from "@bufbuild/protobuf/wire"
import { compareCodePoints } from "../../CodePointOrder.js"
import type { ColumnProfileView } from "../../ColumnProfileView.js"
import type { ProfileSegment } from "../../Segment.js"
import {
  ChunkHeader_ChunkType,
  ChunkHeaderSchema,
  ChunkMessageSchema,
  ChunkOffsetsSchema,
  DatasetProfileHeaderSchema,
  DatasetPropertiesSchema,
  DatasetSegmentHeaderSchema,
  type MetricComponentMessage,
  SegmentSchema,
  SegmentTagSchema,
} from "../gen/whylogs/messages_pb.js"
import { columnComponents } from "./MetricComponents.js"

/** The four ASCII bytes every whylogs v1 profile starts with. */
export const WHY1 = new Uint8Array([0x57, 0x48, 0x59, 0x31])

/** What a profile file holds, independent of the view class. */
export interface ProfileContent {
  readonly columns: ReadonlyMap<string, ColumnProfileView>
  readonly datasetTimestamp: number
  readonly creationTimestamp: number
  readonly tags: Readonly<Record<string, string>>
  readonly metadata: Readonly<Record<string, string>>
  readonly segment: ProfileSegment | undefined
}

/**
 * whylogs v1 bytes (FORMATS.md; whylogs' `DatasetProfileView._do_write` and
 * `SegmentedDatasetProfileView._write_v1`): `WHY1`, the delimited segment header, the delimited profile
 * header, then one delimited ChunkHeader + ChunkMessage per column in sorted name order, components
 * keyed by their index in the sorted list of every metric path.
 */
export const encodeProfile = (content: ProfileContent): Uint8Array => {
  const names = Array.from(content.columns.keys()).sort(compareCodePoints)
  const perColumn: Array<Map<string, MetricComponentMessage>> = []
  const paths = new Set<string>()
  for (const name of names) {
    const components = columnComponents(content.columns.get(name) as ColumnProfileView)
    for (const path of components.keys()) paths.add(path)
    perColumn.push(components)
  }
  const sortedPaths = Array.from(paths).sort(compareCodePoints)
  const indexOf = new Map(sortedPaths.map((path, i) => [path, i]))

  const chunks: Array<Uint8Array> = []
  const columnOffsets: Array<[string, ReturnType<typeof offsets>]> = []
  let length = 0
  names.forEach((name, i) => {
    const metricComponents: Record<number, MetricComponentMessage> = {}
    for (const [path, component] of perColumn[i] as Map<string, MetricComponentMessage>) {
      metricComponents[indexOf.get(path) as number] = component
    }
    const chunk = toBinary(ChunkMessageSchema, create(ChunkMessageSchema, { metricComponents }))
    const header = sizeDelimitedEncode(
      ChunkHeaderSchema,
      create(ChunkHeaderSchema, { type: ChunkHeader_ChunkType.COLUMN, length: chunk.length }),
    )
    columnOffsets.push([name, offsets(length)])
    chunks.push(header, chunk)
    length += header.length + chunk.length
  })

  const segment = content.segment
  const tags: Record<string, string> = Object.fromEntries(Object.entries(content.tags))
  const metadata: Record<string, string> = {}
  if (segment !== undefined) {
    for (const { key, value } of segment.tags) tags[key] = value
    Object.assign(metadata, segment.metadata)
  }
  for (const [key, value] of Object.entries(content.metadata)) defineEntry(metadata, key, value)

  const profileHeader = sizeDelimitedEncode(
    DatasetProfileHeaderSchema,
    create(DatasetProfileHeaderSchema, {
      properties: create(DatasetPropertiesSchema, {
        creationTimestamp: BigInt(Math.max(0, Math.trunc(content.creationTimestamp))),
        datasetTimestamp: BigInt(Math.max(0, Math.trunc(content.datasetTimestamp))),
        tags,
        metadata,
      }),
      columnOffsets: Object.fromEntries(columnOffsets),
      length: BigInt(length),
      indexedMetricPaths: Object.fromEntries(sortedPaths.map((path, i) => [i, path])),
    }),
  )
  const segmentHeader = encodeSegmentHeader(segment)

  const out = new Uint8Array(WHY1.length + segmentHeader.length + profileHeader.length + length)
  out.set(WHY1, 0)
  out.set(segmentHeader, WHY1.length)
  let at = WHY1.length + segmentHeader.length
  out.set(profileHeader, at)
  at += profileHeader.length
  for (const part of chunks) {
    out.set(part, at)
    at += part.length
  }
  return out
}

const offsets = (at: number) => create(ChunkOffsetsSchema, { offsets: [BigInt(at)] })

/** Own data property even for a key like `__proto__`. */
const defineEntry = (target: Record<string, string>, key: string, value: string): void => {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true })
}

/**
 * Unsegmented: the empty message (one 0x00 byte once delimited). Segmented (one segment per file, as
 * whylogs writes): `has_segments`, the segment's tags, and `offsets {0: n}` where n is the size of the
 * delimited header whylogs writes first with `offsets {0: 0}` (9 bytes), which whylogs' own files carry.
 */
const encodeSegmentHeader = (segment: ProfileSegment | undefined): Uint8Array => {
  if (segment === undefined)
    return sizeDelimitedEncode(DatasetSegmentHeaderSchema, create(DatasetSegmentHeaderSchema))
  const first = sizeDelimitedEncode(
    DatasetSegmentHeaderSchema,
    create(DatasetSegmentHeaderSchema, { hasSegments: true, offsets: { 0: 0n } }),
  )
  return sizeDelimitedEncode(
    DatasetSegmentHeaderSchema,
    create(DatasetSegmentHeaderSchema, {
      hasSegments: true,
      segments: [create(SegmentSchema, { tags: segment.tags.map((tag) => create(SegmentTagSchema, tag)) })],
      offsets: { 0: BigInt(first.length) },
    }),
  )
}
