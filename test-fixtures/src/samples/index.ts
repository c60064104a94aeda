export { countAtOrBelow, countBelow } from "./ExactRanks.js"
export { fleetColumns } from "./FleetColumns.js"
export { categories, normals, uniforms } from "./SeededSamples.js"
export { zipfRanks } from "./ZipfRanks.js"
