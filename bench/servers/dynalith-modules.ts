/**
 * Dynalith started from its compiled modules (dist/src) rather than the bundle
 * bin/dynalith.js runs: the same code, but a CPU profile then names each
 * function's own source file, which `profile-summary` groups by folder.
 */
import { main } from '../../src/cli.js';

main(process.argv.slice(2));
