import type { StoredProfile } from "./StoredProfile.js"

/** What a partitioned key is made of. */
export interface ProfileKeyParts {
  readonly datasetId: string
  /** Start of the profile's time bucket, UTC epoch ms. */
  readonly timestamp: number
  /** The segment id (`column=value[,column=value]`); `undefined` or `""` when unsegmented. */
  readonly segment: string | undefined
  /** Who wrote it: letters, digits and `-` only (see `replicaId`). */
  readonly replica: string
  /** What was written: letters and digits only (a content hash, for instance). */
  readonly id: string
}

/** The `segment=` value of an unsegmented profile (a segment id always holds an encoded `=`). */
export const UNSEGMENTED = "all"

const REPLICA = /^[A-Za-z0-9-]{1,128}$/
const ID = /^[A-Za-z0-9]{1,128}$/
const STAMP = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})(?:\.(\d{3}))?Z$/
const PARTITIONED =
  /^dataset=([^/]+)\/date=(\d{4}-\d{2}-\d{2})\/hour=(\d{2})\/segment=([^/]+)\/(\d{8}T\d{6}(?:\.\d{3})?Z)\.([A-Za-z0-9-]+)\.([A-Za-z0-9]+)\.bin$/
const LOCAL_FILE = /^(\d{8}T\d{6}(?:\.\d{3})?Z)(?:__(.+))?\.bin$/

/** A bucket start as ISO 8601 basic time, `20261207T160000Z` (as `TimeBucket.fileStamp` writes it). */
export const timeStamp = (timestamp: number): string =>
  new Date(timestamp)
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.000Z$/, "Z")

/** The time a `timeStamp` names, or `undefined` when the text is not one. */
export const parseTimeStamp = (text: string): number | undefined => {
  const m = STAMP.exec(text)
  if (m === null) return undefined
  const time = Date.UTC(
    Number(m[1]),
    Number(m[2]) - 1,
    Number(m[3]),
    Number(m[4]),
    Number(m[5]),
    Number(m[6]),
    Number(m[7] ?? 0),
  )
  // Rejects dates that do not exist (month 13, February 30): they would not print back the same.
  return timeStamp(time) === text.replace(/\.000Z$/, "Z") ? time : undefined
}

const decode = (text: string): string | undefined => {
  try {
    return decodeURIComponent(text)
  } catch {
    return undefined
  }
}

/**
 * The partitioned key of a profile, Hive-style so that engines discover its partitions (Spark,
 * Athena, DuckDB): `dataset=<id>/date=YYYY-MM-DD/hour=HH/segment=<segment | all>/<stamp>.<replica>.<id>.bin`,
 * the dataset and segment percent-encoded, date and hour of the bucket start in UTC.
 */
export const profileKey = (parts: ProfileKeyParts): string => {
  if (!REPLICA.test(parts.replica))
    throw new RangeError(`replica id ${JSON.stringify(parts.replica)}: use [A-Za-z0-9-]`)
  if (!ID.test(parts.id)) throw new RangeError(`object id ${JSON.stringify(parts.id)}: use [A-Za-z0-9]`)
  const iso = new Date(parts.timestamp).toISOString()
  const segment = segmentFolder(parts.segment)
  return (
    `dataset=${encodeURIComponent(parts.datasetId)}/date=${iso.slice(0, 10)}/hour=${iso.slice(11, 13)}` +
    `/segment=${segment}/${timeStamp(parts.timestamp)}.${parts.replica}.${parts.id}.bin`
  )
}

/**
 * A segment id as its `segment=` partition value: `all` when unsegmented (`undefined` or `""`), else
 * percent-encoded; a segment literally named `all` is spelled `%61ll`, so it stays itself.
 */
export const segmentFolder = (segment: string | undefined): string => {
  if (segment === undefined || segment === "") return UNSEGMENTED
  const encoded = encodeURIComponent(segment)
  return encoded === UNSEGMENTED ? "%61ll" : encoded
}

/** The folder of the partition a profile belongs to (its key without the file name). */
export const partitionOf = (key: string): string => key.slice(0, key.lastIndexOf("/"))

/**
 * What a key says about the profile it holds: a partitioned key (`profileKey`), or a `LocalWriter`
 * file (`<dataset folder>/<stamp>[__<segment>].bin`, the dataset being the folder path). `undefined`
 * for anything else: hidden entries (`.outbox/`), other files, keys that do not decode.
 */
export const parseProfileKey = (key: string, size?: number): StoredProfile | undefined => {
  if (key.split("/").some((part) => part.startsWith("."))) return undefined
  const p = PARTITIONED.exec(key)
  if (p !== null) {
    const datasetId = decode(p[1]!)
    const segment = p[4] === UNSEGMENTED ? undefined : decode(p[4]!)
    const timestamp = parseTimeStamp(p[5]!)
    if (
      datasetId === undefined ||
      timestamp === undefined ||
      (p[4] !== UNSEGMENTED && segment === undefined)
    ) {
      return undefined
    }
    // The partition folders must agree with the stamp, or the key was not written by profileKey.
    const iso = new Date(timestamp).toISOString()
    if (p[2] !== iso.slice(0, 10) || p[3] !== iso.slice(11, 13)) return undefined
    return { key, datasetId, timestamp, segment, replica: p[6]!, size }
  }
  const slash = key.lastIndexOf("/")
  if (slash <= 0) return undefined
  const l = LOCAL_FILE.exec(key.slice(slash + 1))
  if (l === null) return undefined
  const timestamp = parseTimeStamp(l[1]!)
  if (timestamp === undefined) return undefined
  return { key, datasetId: key.slice(0, slash), timestamp, segment: l[2], replica: undefined, size }
}
