import { Effect } from "effect"
import { causeText } from "../../internal/causeText.js"
import { printLine } from "../../node/promiseRuntime.js"
import type { WriteSettlement } from "../../writers/WriteOutcome.js"
import type { ProfileWrite, Writer } from "../../writers/Writer.js"
import type { WriterPipeline } from "../../writers/WriterPipeline.js"
import type { RollingLoggerOptions } from "../LoggerOptions.js"
import { type DatasetConfig, resolveDatasetConfig } from "./DatasetConfig.js"
import { checkWriters, type LoggerSettings } from "./LoggerSettings.js"

/**
 * What each dataset of a logger gets — its options (`loggerOptions(datasetId)` over the logger's)
 * and its writers (`writerFactory(datasetId)`, else the logger's), each decided once, on the
 * dataset's first row — and the hand-over of profiles to their dataset's writers. A factory that
 * throws or gives something unusable is reported on stderr and the logger's own are used.
 */
export class LoggerDatasets {
  readonly #options: RollingLoggerOptions
  readonly #settings: LoggerSettings
  readonly #pipeline: WriterPipeline
  readonly #writers = new Map<string, ReadonlyArray<Writer>>()

  constructor(options: RollingLoggerOptions, settings: LoggerSettings, pipeline: WriterPipeline) {
    this.#options = options
    this.#settings = settings
    this.#pipeline = pipeline
  }

  /** The options of a dataset (resolved once, by the actor, on its first row). */
  readonly configFor = (datasetId: string): DatasetConfig => {
    const { loggerOptions } = this.#options
    if (loggerOptions === undefined) return this.#settings.base
    try {
      return resolveDatasetConfig(
        loggerOptions(datasetId),
        this.#settings.base,
        `loggerOptions(${JSON.stringify(datasetId)})`,
      )
    } catch (error) {
      printLine("error", `${causeText(error)}; ${datasetId} uses the logger's options`)
      return this.#settings.base
    }
  }

  /** The writers of a dataset. */
  writersFor(datasetId: string): ReadonlyArray<Writer> {
    let writers = this.#writers.get(datasetId)
    if (writers === undefined) {
      writers = this.#settings.defaultWriters
      const { writerFactory } = this.#options
      if (writerFactory !== undefined) {
        try {
          writers = checkWriters(`writerFactory(${JSON.stringify(datasetId)})`, writerFactory(datasetId))
        } catch (error) {
          printLine("error", `${causeText(error)}; ${datasetId} uses the logger's writers`)
        }
      }
      this.#writers.set(datasetId, writers)
    }
    return writers
  }

  /** Queues profiles for their datasets' writers; the returned effect waits for those writes. */
  submit(writes: ReadonlyArray<ProfileWrite>): Effect.Effect<Effect.Effect<WriteSettlement>> {
    return Effect.gen(this, function* () {
      const byDataset = new Map<string, ProfileWrite[]>()
      for (const write of writes) {
        const list = byDataset.get(write.datasetId)
        if (list === undefined) byDataset.set(write.datasetId, [write])
        else list.push(write)
      }
      const waits: Array<Effect.Effect<WriteSettlement>> = []
      for (const [datasetId, list] of byDataset)
        waits.push(yield* this.#pipeline.submit(list, this.writersFor(datasetId)))
      return Effect.map(Effect.all(waits), (settlements) => ({
        outcomes: settlements.flatMap((s) => s.outcomes),
      }))
    })
  }

  /** Replays the outbox, each entry to the writer of its dataset that failed it; waits for the replays. */
  get replay(): Effect.Effect<Effect.Effect<WriteSettlement>> {
    return this.#pipeline.replay((entry) =>
      this.writersFor(entry.datasetId).find((w) => w.name === entry.writer),
    )
  }
}
