/**
 * @sketchlog/sketches — Apache DataSketches-compatible sketches (and the whylogs variant of KLL),
 * with no run-time dependencies.
 */
export {}
