/**
 * The package's entry for programs and test runners:
 * `import { startDynalith, createTables } from 'dynalith'`.
 */
export { startDynalith, type DynalithOptions, type RunningDynalith } from './start-dynalith.js';
export { createTables, type TableDefinition } from './create-tables.js';
