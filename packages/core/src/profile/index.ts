/**
 * Profiles: whylogs-compatible statistical summaries of a dataset, tracked row by row or by column,
 * frozen into immutable views that merge, summarise, and read/write whylogs v1 `.bin` bytes.
 */
export {
  type ColumnMetrics,
  ColumnProfileView,
  type ColumnSummary,
  type SummaryValue,
} from "./ColumnProfileView.js"
export {
  type ColumnType,
  columnTypes,
  inferColumnType,
  type MetricName,
  metricsForType,
} from "./ColumnType.js"
export {
  DatasetProfile,
  type DatasetProfileOptions,
  DEFAULT_MAX_COLUMNS,
  type Row,
} from "./DatasetProfile.js"
export {
  DatasetProfileView,
  type DatasetProfileViewInit,
  type ProfileSummary,
  type SummaryRow,
} from "./DatasetProfileView.js"
export { CardinalityMetric } from "./metrics/CardinalityMetric.js"
export { CountsMetric } from "./metrics/CountsMetric.js"
export { DistributionMetric, summaryQuantiles } from "./metrics/DistributionMetric.js"
export {
  EmbeddingMetric,
  type EmbeddingMetricInit,
  type InvalidEmbeddings,
} from "./metrics/EmbeddingMetric.js"
export {
  type EmbeddingDistance,
  type EmbeddingOptions,
  type EmbeddingReferences,
  embeddingDistances,
  MAX_EMBEDDING_REFERENCE_CELLS,
  MAX_EMBEDDING_REFERENCES,
  resolveEmbeddingOptions,
} from "./metrics/EmbeddingOptions.js"
export { type FrequentItem, FrequentItemsMetric } from "./metrics/FrequentItemsMetric.js"
export { IntsMetric } from "./metrics/IntsMetric.js"
export { TypesMetric } from "./metrics/TypesMetric.js"
export { ProfileAccumulator } from "./ProfileAccumulator.js"
export { ProfileArgumentError, ProfileFormatError, ProfileIOError } from "./ProfileError.js"
export { ProfileSegment, SEGMENT_TAG_PREFIX } from "./Segment.js"
export {
  DEFAULT_MAX_SEGMENTS,
  SegmentedDatasetProfile,
  type SegmentedDatasetProfileOptions,
  segmentText,
} from "./SegmentedDatasetProfile.js"
export {
  bucketStart,
  MAX_TIMESTAMP,
  nextBucketStart,
  TimeBucket,
  type TimeGranularity,
  timeGranularities,
} from "./TimeBucket.js"
