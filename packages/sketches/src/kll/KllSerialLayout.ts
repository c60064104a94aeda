/**
 * Byte layout of a serialized KLL doubles sketch with more than one item (empty and single-item
 * sketches are the same in both):
 * - `"standard"`: Apache DataSketches (preInts 5, level offsets from byte 20); what the upstream C++,
 *   Java and Go readers accept.
 * - `"whylogs"`: the whylogs fork (preInts 6, four zero bytes, level offsets from byte 24); what
 *   whylogs v1 writes into `.bin` profiles and the only full layout its reader accepts.
 *
 * `KllDoublesSketch.fromBytes` reads both.
 */
export type KllSerialLayout = "standard" | "whylogs"
