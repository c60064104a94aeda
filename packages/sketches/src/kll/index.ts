export * from "./KllCoin.js"
export * from "./KllDoublesSketch.js"
export * from "./KllQuantileRule.js"
export * from "./KllSerialLayout.js"
