import { defaultModelId, models } from "@sketchlog/loan-model"
import { withSketchlog } from "@sketchlog/next"
import { readJson, scoreBody } from "../../../../lib/scoring"

/** Most applications one batch may hold. */
const MAX_BATCH = 1_000

/**
 * Scores a batch (`{ "applications": [...] }`) and streams one decision per line (NDJSON) as each is
 * made. The wrapper profiles the request and counts the response by size only: it never reads a stream.
 */
export const POST = withSketchlog(async (request: Request) => {
  const body = await readJson(request)
  const applications = (body?.value as { applications?: unknown } | undefined)?.applications
  if (!Array.isArray(applications) || applications.length > MAX_BATCH) {
    return Response.json(
      { error: `expected { "applications": [...] } with at most ${MAX_BATCH} items` },
      { status: 400 },
    )
  }
  const model = models.get(defaultModelId)!
  const encoder = new TextEncoder()
  let next = 0
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (next >= applications.length) {
        controller.close()
        return
      }
      const outcome = scoreBody(model, applications[next++])
      const line = outcome.ok ? outcome.decision : { error: "invalid application", index: next - 1 }
      controller.enqueue(encoder.encode(`${JSON.stringify(line)}\n`))
    },
  })
  return new Response(stream, { headers: { "content-type": "application/x-ndjson" } })
})
