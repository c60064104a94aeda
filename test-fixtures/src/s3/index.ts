/** An S3 server for tests (s3rver on 127.0.0.1) and a fault-injecting proxy to put in front of it. */
export {
  type S3FaultAction,
  type S3FaultMatch,
  S3FaultProxy,
  type S3Operation,
  type S3Request,
} from "./S3FaultProxy.js"
export { S3Server, type S3ServerOptions } from "./S3Server.js"
export { S3ServerProcess } from "./S3ServerProcess.js"
