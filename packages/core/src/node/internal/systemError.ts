import { BadArgument, type PlatformError, SystemError, type SystemErrorReason } from "@effect/platform/Error"

const REASONS: Readonly<Record<string, SystemErrorReason>> = {
  ENOENT: "NotFound",
  EACCES: "PermissionDenied",
  EPERM: "PermissionDenied",
  EEXIST: "AlreadyExists",
  ENOTEMPTY: "AlreadyExists",
  EISDIR: "BadResource",
  ENOTDIR: "BadResource",
  ELOOP: "BadResource",
  EBUSY: "Busy",
  ETIMEDOUT: "TimedOut",
  EAGAIN: "WouldBlock",
}

/**
 * The `PlatformError` for a failed `node:fs` call, as @effect/platform's own Node file system reports
 * it: a `SystemError` with a reason from the errno code, or a `BadArgument` when Node rejected the
 * arguments themselves (no errno code).
 */
export const fileSystemError =
  (method: string, pathOrDescriptor: string | number) =>
  (cause: unknown): PlatformError => {
    const error = cause as NodeJS.ErrnoException
    if (typeof error?.code !== "string" || !error.code.startsWith("E")) {
      return new BadArgument({ module: "FileSystem", method, description: String(error?.message), cause })
    }
    return new SystemError({
      reason: REASONS[error.code] ?? "Unknown",
      module: "FileSystem",
      method,
      pathOrDescriptor,
      ...(error.syscall === undefined ? {} : { syscall: error.syscall }),
      description: error.message,
      cause,
    })
  }
