import { sketchlogStatus } from "@sketchlog/next"

/**
 * Profiling status of this server (state, counts, how work was scheduled), not itself profiled:
 * `curl http://127.0.0.1:3000/api/sketchlog`.
 */
export const GET = async () => Response.json(await sketchlogStatus())
