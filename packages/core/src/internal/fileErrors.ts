/** The operating system's error code of a file-system failure (`ENOENT`, `EACCES`, …), if it has one. */
export const errorCode = (error: unknown): string | undefined => {
  try {
    return typeof error === "object" && error !== null && "code" in error ? String(error.code) : undefined
  } catch {
    return undefined
  }
}

/** File-system errors worth another attempt: the condition may clear (busy, out of descriptors, disk full, I/O). */
export const RETRYABLE_FILE_ERRORS: ReadonlySet<string> = new Set([
  "EAGAIN",
  "EBUSY",
  "EMFILE",
  "ENFILE",
  "ENOSPC",
  "EIO",
  "EINTR",
  "ETIMEDOUT",
])
