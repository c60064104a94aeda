import type { Duration } from "effect"
import type { SegmentTag } from "../platform/PlatformClient.js"
import type { AuthError, PlatformError, TimeoutError } from "../platform/PlatformError.js"
import type { RetryPolicy } from "../platform/RetryPolicy.js"
import type { ConfigError, SessionClosedError, UploadNotSupportedError } from "./SessionError.js"

/** One profile (one segment) to upload: the `.bin` bytes and what the platform must know about them. */
export interface ProfileUpload {
  /** Default: the session's default dataset. */
  readonly datasetId?: string | undefined
  /** The start of the profile's time window (epoch ms or a Date). */
  readonly datasetTimestamp: number | Date
  /** The segment's tags (`whylogs.tag.<column>` = value); empty or absent for an unsegmented profile. */
  readonly segmentTags?: ReadonlyArray<SegmentTag> | undefined
  readonly bytes: Uint8Array
}

/** A reference profile (a baseline to compare against) to upload under `alias`. */
export interface ReferenceProfileUpload {
  readonly datasetId?: string | undefined
  readonly alias: string
  /** Default: now. */
  readonly datasetTimestamp?: number | Date | undefined
  readonly bytes: Uint8Array
}

/** Per-upload overrides of the session's call settings. */
export interface UploadOptions {
  readonly retry?: Partial<RetryPolicy> | undefined
  readonly timeout?: Duration.DurationInput | undefined
}

/** What an upload got from the platform. */
export interface UploadReceipt {
  /** The session's key for this upload, as in its events. */
  readonly uploadKey: string
  readonly upload: "profile" | "reference"
  /** The platform's id (absent for anonymous uploads). */
  readonly id: string | undefined
  readonly datasetId: string
  readonly datasetTimestamp: number
  readonly segmentTags: ReadonlyArray<SegmentTag>
  readonly bytes: number
  /** Where an anonymous session's profile can be seen. */
  readonly observatoryUrl: string | undefined
  /** HTTP attempts it took over the announcement and the PUT. */
  readonly attempts: number
}

/** Why an upload failed. */
export type UploadError =
  | PlatformError
  | TimeoutError
  | AuthError
  | UploadNotSupportedError
  | ConfigError
  | SessionClosedError
