import { type DescMessage, fromBinary, type MessageShape } from "@bufbuild/protobuf"
import { sizeDelimitedPeek } from "@bufbuild/protobuf/wire"
import { causeText } from "../../../internal/causeText.js"
import { compareCodePoints } from "../../CodePointOrder.js"
import type { ColumnProfileView } from "../../ColumnProfileView.js"
import { ProfileFormatError } from "../../ProfileError.js"
import { ProfileSegment, SEGMENT_TAG_PREFIX } from "../../Segment.js"
import {
  ChunkHeader_ChunkType,
  DatasetProfileHeaderSchema,
  DatasetSegmentHeaderSchema,
  type MetricComponentMessage,
} from "../gen/whylogs/messages_pb.js"
import { readChunkComponents, readChunkHeader } from "./ChunkReader.js"
import { columnFromComponents } from "./MetricComponents.js"
import type { ProfileContent } from "./ProfileWriter.js"

/**
 * Read whylogs v1 bytes (whylogs' `DatasetProfileView._do_read`): check `WHY1`, read the segment header
 * (for a segmented file, the first segment's tags), the profile header, and each column's chunks at
 * `column_offsets` counted from the end of the profile header. Every failure is a `ProfileFormatError`
 * naming the byte offset and the field.
 */
export const decodeProfile = (input: Uint8Array, options: DecodeOptions = {}): ProfileContent => {
  const bytes = input
  if (bytes.length < 4 || bytes[0] !== 0x57 || bytes[1] !== 0x48 || bytes[2] !== 0x59 || bytes[3] !== 0x31) {
    const found = Array.from(bytes.subarray(0, 4), (b) => b.toString(16).padStart(2, "0")).join(" ")
    throw new ProfileFormatError({
      offset: 0,
      field: "magic",
      reason: `expected "WHY1" (57 48 59 31), found ${found || "nothing"}`,
    })
  }
  let at = 4
  const segmentHeader = readDelimited(bytes, at, generic(DatasetSegmentHeaderSchema), "DatasetSegmentHeader")
  at = segmentHeader.end
  const profileHeader = readDelimited(bytes, at, generic(DatasetProfileHeaderSchema), "DatasetProfileHeader")
  if (profileHeader.size === 0) {
    throw new ProfileFormatError({ offset: at, field: "DatasetProfileHeader", reason: "the header is empty" })
  }
  const header = profileHeader.message
  const start = profileHeader.end
  const paths = header.indexedMetricPaths
  // The views keep the sketch bytes they were read from (and write them back unchanged): one copy of
  // the input for all of them, unless the caller hands the input over.
  const owned = options.takeOwnership === true ? bytes : bytes.slice()

  const columns = new Map<string, ColumnProfileView>()
  for (const name of Object.keys(header.columnOffsets).sort(compareCodePoints)) {
    const components = new Map<string, MetricComponentMessage>()
    const chunkOffsets = header.columnOffsets[name]?.offsets ?? []
    const column = (what: string) => () => `${what} of column ${JSON.stringify(name)}`
    let firstOffset = start
    for (const relative of chunkOffsets) {
      const offset = start + Number(relative)
      if (relative > BigInt(bytes.length)) {
        throw new ProfileFormatError({
          offset: start,
          field: `column_offsets[${JSON.stringify(name)}]`,
          reason: `offset ${relative} lies past the end (${bytes.length} bytes)`,
        })
      }
      firstOffset = offset
      const chunkHeader = readDelimited(bytes, offset, readChunkHeader, column("ChunkHeader"))
      if (chunkHeader.message.type !== ChunkHeader_ChunkType.COLUMN) {
        throw new ProfileFormatError({
          offset,
          field: column("ChunkHeader")(),
          reason: `chunk type ${chunkHeader.message.type}, expected COLUMN (2)`,
        })
      }
      const chunkStart = chunkHeader.end
      const chunkEnd = chunkStart + chunkHeader.message.length
      if (chunkEnd > bytes.length) {
        throw new ProfileFormatError({
          offset: chunkStart,
          field: column("ChunkMessage")(),
          reason: `needs ${chunkHeader.message.length} bytes, ${bytes.length - chunkStart} left`,
        })
      }
      let chunk: Map<number, MetricComponentMessage>
      try {
        chunk = readChunkComponents(owned.subarray(chunkStart, chunkEnd))
      } catch (error) {
        throw protobufError(error, chunkStart, column("ChunkMessage")())
      }
      for (const [key, component] of chunk) {
        const path = paths[key]
        if (path === undefined) {
          throw new ProfileFormatError({
            offset: chunkStart,
            field: column("ChunkMessage")(),
            reason: `metric index ${key} is not in indexed_metric_paths`,
          })
        }
        components.set(path, component)
      }
    }
    columns.set(name, columnFromComponents(name, components, firstOffset))
  }

  const properties = header.properties
  const segmentMessage = segmentHeader.message.hasSegments ? segmentHeader.message.segments[0] : undefined
  let segment: ProfileSegment | undefined
  if (segmentMessage !== undefined && segmentMessage.tags.length > 0) {
    segment = new ProfileSegment(
      segmentMessage.tags.map((tag) =>
        tag.key.startsWith(SEGMENT_TAG_PREFIX) ? tag.key.slice(SEGMENT_TAG_PREFIX.length) : tag.key,
      ),
      segmentMessage.tags.map((tag) => tag.value),
    )
  }
  return {
    columns,
    datasetTimestamp: Number(properties?.datasetTimestamp ?? 0n),
    creationTimestamp: Number(properties?.creationTimestamp ?? 0n),
    tags: copyEntries(properties?.tags ?? {}),
    metadata: copyEntries(properties?.metadata ?? {}),
    segment,
  }
}

const copyEntries = (record: Readonly<Record<string, string>>): Record<string, string> =>
  Object.fromEntries(Object.entries(record))

/** How `decodeProfile` may treat its input. */
export interface DecodeOptions {
  /** The caller will not change the input afterwards, so the views may keep pieces of it uncopied. */
  readonly takeOwnership?: boolean | undefined
}

/** `field` names what was being read, for errors (a function when the name costs something to build). */
type FieldName = string | (() => string)
const fieldName = (field: FieldName): string => (typeof field === "string" ? field : field())

/** The generic protobuf reader of one message type. */
const generic =
  <Desc extends DescMessage>(schema: Desc) =>
  (bytes: Uint8Array): MessageShape<Desc> =>
    fromBinary(schema, bytes)

const readDelimited = <M>(
  bytes: Uint8Array,
  at: number,
  parse: (bytes: Uint8Array) => M,
  field: FieldName,
): { message: M; size: number; end: number } => {
  const peek =
    at < bytes.length
      ? sizeDelimitedPeek(bytes.subarray(at))
      : { eof: true as const, size: null, offset: null }
  if (peek.eof) {
    throw new ProfileFormatError({
      offset: at,
      field: fieldName(field),
      reason: "the input ends before the length prefix",
    })
  }
  const begin = at + peek.offset
  const end = begin + peek.size
  if (end > bytes.length) {
    throw new ProfileFormatError({
      offset: at,
      field: fieldName(field),
      reason: `length prefix says ${peek.size} bytes, ${bytes.length - begin} left`,
    })
  }
  try {
    return { message: parse(bytes.subarray(begin, end)), size: peek.size, end }
  } catch (error) {
    throw protobufError(error, begin, fieldName(field))
  }
}

const protobufError = (error: unknown, offset: number, field: string): ProfileFormatError => {
  return new ProfileFormatError({ offset, field, reason: `protobuf: ${causeText(error)}` })
}
