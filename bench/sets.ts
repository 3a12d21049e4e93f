/**
 * The workload sets by name, and how a worker thread finds the workload it is
 * to run: workloads hold functions, which cannot be posted to a thread, so a
 * thread is given the set's name, the workload's name and the sizes instead.
 */
import { independentSet } from './independent.js';
import type { Sizes, Workload, WorkloadSet } from './operations.js';
import { scaleSet, standardSet } from './workloads.js';

/** The sets `--set` chooses from. */
export const SET_NAMES = ['standard', 'independent', 'scale-out', 'capacity'] as const;
export type SetName = (typeof SET_NAMES)[number];

const SETS: Record<SetName | 'scale', WorkloadSet> = {
  standard: standardSet,
  independent: independentSet,
  // The independent method's table and workloads, on the scale-out targets.
  'scale-out': { ...independentSet, name: 'scale-out' },
  // The same again, one process with capacity enforcement against one without.
  capacity: { ...independentSet, name: 'capacity' },
  scale: scaleSet,
};

export function workloadSet(name: SetName | 'scale'): WorkloadSet {
  return SETS[name];
}

export interface WorkloadRef {
  readonly set: SetName | 'scale';
  readonly name: string;
  readonly sizes: Sizes;
}

export function findWorkload(ref: WorkloadRef): Workload {
  const workload = SETS[ref.set].workloads(ref.sizes).find((w) => w.name === ref.name);
  if (workload === undefined) throw new Error(`no workload ${ref.name} in the ${ref.set} set`);
  return workload;
}
