// Express 4, installed under the alias `express4` to test the middleware on both majors. Its API as
// the tests use it is the same as Express 5's, so Express 5's types describe it well enough.
declare module "express4" {
  import express from "express"
  export default express
}
