/**
 * `pnpm bench:sketches`: every sketch's throughput, merge/serialize times, size and accuracy, printed side
 * by side with what a JavaScript user would pick today (tdigest, bloom-filters' HyperLogLog, an exact Map),
 * after what reading costs: µs per decode and per merge of the sketches a stored profile holds.
 * Figures, not assertions: run it on a quiet machine and read the tables.
 */
import { runDecodeBench } from "./decode.js"
import { runFrequentBench } from "./frequent.js"
import { runHllBench } from "./hll.js"
import { runKllBench } from "./kll.js"

console.log(`sketchlog sketches benchmark — node ${process.version}, ${new Date().toISOString()}\n`)
// first, while the heap is small: reading allocates a buffer per sketch, and the sections below leave
// millions of values behind that make every collection slower
runDecodeBench()
console.log()
runKllBench()
console.log()
runHllBench()
console.log()
runFrequentBench()
