import { withSketchlog } from "@sketchlog/next"

/** Liveness; wrapped like every route, but `instrumentation.ts` tells sketchlog to ignore it. */
export const GET = withSketchlog(() => Response.json({ status: "ok" }))
