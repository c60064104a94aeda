export { murmurHash3_x64_128 } from "./murmurHash3.js"
