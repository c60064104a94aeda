import { Either } from "effect"
import { describe, expect, it } from "vitest"
import { createRollingLogger, DatasetProfileView, LoggerOptionsError } from "../src/index.js"
import { LogEmbeddings } from "../src/logger/index.js"
import type { EmbeddingMetric } from "../src/profile/index.js"
import { MemoryWriter } from "../src/testing.js"

const HOUR = Date.UTC(2024, 5, 1, 10)

const options = {
  references: [
    [1, 0, 0],
    [0, 1, 0],
  ],
  labels: ["left", "right"],
  distance: "euclidean" as const,
}

/** Everything the writer got for `column`, merged. */
const merged = (memory: MemoryWriter, column: string): EmbeddingMetric | undefined => {
  const views = memory.writes.map((w) => DatasetProfileView.deserialize(w.bytes))
  return views.reduce((a, b) => a.merge(b)).getColumn(column)?.embedding
}

describe("embeddings through the rolling logger", () => {
  for (const mode of ["in-thread", "worker"] as const) {
    it(`profiles embeddings requests with the dataset's references (${mode})`, async () => {
      const memory = new MemoryWriter()
      const logger = createRollingLogger({
        mode,
        writers: [memory],
        writeSchedule: null,
        closeOnExit: false,
        loggerOptions: (datasetId) => (datasetId === "vectors" ? { embeddings: { emb: options } } : {}),
      })
      const request = (vectors: number[][], other?: number[][]) => {
        const decoded = LogEmbeddings.decodeJson({
          datasetId: "vectors",
          timestamp: HOUR,
          embeddings: other === undefined ? { emb: vectors } : { emb: vectors, other },
        })
        if (Either.isLeft(decoded)) throw new Error(String(decoded.left))
        return new LogEmbeddings(decoded.right).toLogRequest()
      }
      await logger.logRequest(
        request([
          [0.9, 0.1, 0],
          [1, 0, 0.2],
          [0, 1, 0],
        ]),
      )
      await logger.logRequest(request([[0.1, 0.8, 0]], [[5], [6]]))
      await logger.logRequest(request([[1, 2]]))
      await logger.close()
      const metric = merged(memory, "emb")
      expect(metric?.nearestCounts()).toEqual({ left: 2, right: 2 })
      expect(metric?.invalid.wrongDimension).toBe(1)
      const views = memory.writes.map((w) => DatasetProfileView.deserialize(w.bytes))
      const all = views.reduce((a, b) => a.merge(b))
      // 3 + 2 + 1 rows; the second request's shorter `emb` column is padded with one null.
      expect(all.getColumn("emb")?.counts?.n).toBe(6)
      expect(all.getColumn("emb")?.counts?.null).toBe(1)
      expect(all.getColumn("emb")?.types?.tensor).toBe(5)
      // A column without references is profiled as plain tensors.
      expect(all.getColumn("other")?.embedding).toBeUndefined()
      expect(all.getColumn("other")?.types?.tensor).toBe(2)
      expect(all.datasetTimestamp).toBe(HOUR)
    })
  }

  it("checks the references when the logger starts, naming the option", () => {
    expect(() =>
      createRollingLogger({
        writers: [new MemoryWriter()],
        closeOnExit: false,
        embeddings: { emb: { references: [[1, 2], [3]] } },
      }),
    ).toThrow(LoggerOptionsError)
    expect(() =>
      createRollingLogger({
        writers: [new MemoryWriter()],
        closeOnExit: false,
        schema: { emb: "string" },
        embeddings: { emb: { references: [[1, 2]] } },
      }),
    ).toThrow(/schema\["emb"\]: an embedding column is typed "any"/)
  })

  it("counts the longest column as the rows of an embeddings request", () => {
    const request = new LogEmbeddings({ datasetId: "d", embeddings: { a: [[1], [2], [3]], b: [[1]] } })
    expect(request.rows).toBe(3)
    expect(request.toLogRequest().multiple).toEqual({
      columns: ["a", "b"],
      data: [
        [[1], [1]],
        [[2], null],
        [[3], null],
      ],
    })
  })
})
