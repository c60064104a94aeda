/**
 * The sketchlog collector as a library: load its configuration from an environment and start it in
 * this process (what `src/main.ts` does), for embedding it in another process or in tests.
 */
export { type CollectorStatus, type RunningCollector, startCollector } from "./Collector.js"
export {
  type CollectorConfig,
  CollectorDefaults,
  type Destination,
  type Environment,
  loadCollectorConfig,
} from "./CollectorConfig.js"
export { CollectorConfigError } from "./CollectorConfigError.js"
export { type CollectorRoutes, type CollectorServer, createCollectorServer } from "./CollectorServer.js"
export { ANY_DATASET, type EmbeddingsByDataset, embeddingsFor, readEmbeddingsFile } from "./EmbeddingsFile.js"
