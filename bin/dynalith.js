#!/usr/bin/env node
// The server as one bundled file (scripts/bundle.js): it starts faster than dist/src's ~100 modules.
import { main } from '../dist/bundle/dynalith.js';

main(process.argv.slice(2));
