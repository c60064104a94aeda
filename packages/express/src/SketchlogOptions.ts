import type { HttpProfilerOptions } from "@sketchlog/core/adapter"

/**
 * Options of `sketchlog()`: core's HTTP profiler options (see the package README for the table):
 * what to profile (`include`, `exclude`, `redact`, `alsoRedact`, `queryValues`, `limits`), which
 * requests (`ignore`, `sampleRate`), where (`datasetId`, `segmentOn`, `session`, `sessionOptions`,
 * `profileDir`, `logger`) and `onError`.
 */
export type SketchlogOptions = HttpProfilerOptions
