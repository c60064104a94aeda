import { FrequentStringsSketch, HllSketch, KllDoublesSketch } from "@sketchlog/sketches"
import type { SketchCodec } from "./SketchCell.js"

/** KLL doubles in the layout whylogs writes (preInts 6); reading accepts both layouts. */
export const kllCodec: SketchCodec<KllDoublesSketch> = {
  encode: (sketch) => sketch.toBytes({ layout: "whylogs" }),
  decode: (bytes) => KllDoublesSketch.fromBytes(bytes),
}

/** HLL as whylogs stores it: compact bytes of the sketch's own type (HLL_4 for ours). */
export const hllCodec: SketchCodec<HllSketch> = {
  encode: (sketch) => sketch.toCompactBytes(),
  decode: (bytes) => HllSketch.fromBytes(bytes),
}

/** Frequent strings. */
export const frequentCodec: SketchCodec<FrequentStringsSketch> = {
  encode: (sketch) => sketch.toBytes(),
  decode: (bytes) => FrequentStringsSketch.fromBytes(bytes),
}

/** whylogs' sketch parameters: KLL k (its `kll_k_large`), HLL lgK, frequent-items lgMaxMapSize. */
export const KLL_K = 1024
export const HLL_LG_K = 12
export const FREQUENT_LG_MAX = 10
