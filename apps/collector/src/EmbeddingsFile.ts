import { readFile } from "node:fs/promises"
import { ProfileArgumentError } from "@sketchlog/core"
import { type EmbeddingOptions, resolveEmbeddingOptions } from "@sketchlog/core/profile"
import { CollectorConfigError } from "./CollectorConfigError.js"

/** Embedding columns by dataset id; `"*"` applies to every dataset not named. */
export type EmbeddingsByDataset = Readonly<Record<string, Readonly<Record<string, EmbeddingOptions>>>>

/** The key of the entry that applies to datasets the file does not name. */
export const ANY_DATASET = "*"

/**
 * Reads the embeddings file (`SKETCHLOG_EMBEDDINGS_FILE`): JSON of the form
 * `{ "<dataset id>" | "*": { "<column>": { "references": [[…], …], "labels": […], "distance": "cosine" } } }`.
 * Every entry is checked now, so a bad reference matrix stops the start instead of a request.
 */
export const readEmbeddingsFile = async (path: string, setting: string): Promise<EmbeddingsByDataset> => {
  let text: string
  try {
    text = await readFile(path, "utf8")
  } catch (error) {
    const code = (error as { code?: string }).code ?? "error"
    throw new CollectorConfigError({ setting, reason: `cannot read ${path} (${code})` })
  }
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    throw new CollectorConfigError({ setting, reason: `${path} is not valid JSON` })
  }
  if (!isRecord(parsed))
    throw new CollectorConfigError({ setting, reason: `${path} must hold a JSON object` })
  const out: Record<string, Record<string, EmbeddingOptions>> = {}
  for (const [datasetId, columns] of Object.entries(parsed)) {
    if (!isRecord(columns))
      throw new CollectorConfigError({
        setting: `${setting} ${JSON.stringify(datasetId)}`,
        reason: "must map column names to { references, labels, distance }",
      })
    for (const [column, options] of Object.entries(columns)) {
      try {
        resolveEmbeddingOptions(column, options as EmbeddingOptions)
      } catch (error) {
        if (error instanceof ProfileArgumentError)
          throw new CollectorConfigError({
            setting: `${setting} ${JSON.stringify(datasetId)}: ${error.argument}`,
            reason: error.reason,
          })
        throw error
      }
    }
    Object.defineProperty(out, datasetId, {
      value: columns as Record<string, EmbeddingOptions>,
      enumerable: true,
    })
  }
  return out
}

/** The embedding columns of a dataset: its own entry, else the `"*"` entry. */
export const embeddingsFor = (
  file: EmbeddingsByDataset,
  datasetId: string,
): Readonly<Record<string, EmbeddingOptions>> | undefined =>
  Object.hasOwn(file, datasetId)
    ? file[datasetId]
    : Object.hasOwn(file, ANY_DATASET)
      ? file[ANY_DATASET]
      : undefined

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value)
