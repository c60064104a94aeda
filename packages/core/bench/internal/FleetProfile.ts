import { fleetColumns } from "@sketchlog/test-fixtures"
import { DatasetProfile } from "../../src/index.js"

/** The profile the fleet bench (`bench:fleet`) stores, serialized: decode + merge of exactly what the fleet reader downloads. */
export const fleetProfileBytes = (seed: number, rows: number, datasetTimestamp: number): Uint8Array => {
  const profile = new DatasetProfile({ datasetTimestamp })
  profile.trackColumns(fleetColumns(seed, rows))
  return profile.view().serialize()
}
