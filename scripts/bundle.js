#!/usr/bin/env node
// Bundles the compiled server (dist/src) into one file that bin/dynalith.js
// loads. Node's ES module loader costs about 0.5 ms per module file at start-up,
// about 45 ms for the server's ~100 modules on the 2-core dev VM; one file
// costs a few. lmdb (native), pino (worker-based transports) and pg (loaded only
// for --storage, with an optional native module esbuild cannot resolve) and
// prom-client (loaded on the first /metrics scrape) stay outside.
// The bundle sits two levels below the root, as dist/src/cli.js does, so paths
// the CLI resolves from its own location (package.json) hold for both.
// The package's embedding entry (`import ... from 'dynalith'`) is bundled the
// same way, for a test file's first import; its child-process mode finds
// bin/ from dist/bundle/embed/ as it does from dist/src/embed/, three levels up.
import { build } from 'esbuild';

const common = { bundle: true, platform: 'node', format: 'esm', target: 'node20', external: ['lmdb', 'pino', 'pg', 'prom-client'], logLevel: 'warning' };
await build({ ...common, entryPoints: ['dist/src/cli.js'], outfile: 'dist/bundle/dynalith.js' });
await build({ ...common, entryPoints: { embed: 'dist/src/embed/index.js', 'test-setup': 'dist/src/embed/test-setup.js', 'test-teardown': 'dist/src/embed/test-teardown.js' }, outdir: 'dist/bundle/embed', splitting: true });
