#!/usr/bin/env node
// The installed `sketchlog` command: the compiled CLI (built by `tsc -b`) runs on import.
import "../dist/main.js"
