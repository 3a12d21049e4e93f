#!/usr/bin/env node
// Bundles the compiled server (dist/src) into one file that bin/dynalith.js
// loads. Node's ES module loader costs about 0.5 ms per module file at start-up,
// about 45 ms for the server's ~100 modules on the 2-core dev VM; one file
// costs a few. lmdb (native), pino (worker-based transports) and pg (loaded only
// for --storage, with an optional native module esbuild cannot resolve) and
// prom-client (loaded on the first /metrics scrape) stay outside.
// The bundle sits two levels below the root, as dist/src/cli.js does, so paths
// the CLI resolves from its own location (package.json) hold for both.
import { build } from 'esbuild';

await build({
  entryPoints: ['dist/src/cli.js'],
  outfile: 'dist/bundle/dynalith.js',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  external: ['lmdb', 'pino', 'pg', 'prom-client'],
  logLevel: 'warning',
});
