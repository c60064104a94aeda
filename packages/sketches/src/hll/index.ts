export { HllSketch } from "./HllSketch.js"
export type { HllMode, HllTargetType } from "./HllType.js"
export { HllUnion } from "./HllUnion.js"
