/**
 * One load thread of `--clients n` (see load-threads.ts): warms up, reports
 * 'warm', waits for 'go', runs the window and posts its tally back.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { Client } from './lib/client.js';
import { collect } from './lib/load.js';
import { seededRandom } from './lib/stats.js';
import { findWorkload } from './sets.js';
import type { FromThread, ThreadData, ToThread } from './load-threads.js';

const port = parentPort!;
const data = workerData as ThreadData;
const client = new Client(data.endpoint, data.connections);
const workload = findWorkload(data.ref);
const random = seededRandom(data.seed);
const next = () => workload.next(random);
const send = (message: FromThread, transfer: ArrayBuffer[] = []) => port.postMessage(message, transfer);

const go = new Promise<ToThread>((resolve) => port.once('message', resolve));
if (data.warmupSeconds > 0) await collect(client, next, data.connections, data.warmupSeconds);
send({ kind: 'warm' });
const { seconds } = await go;
const tally = await collect(client, next, data.connections, seconds);
send({ kind: 'done', tally }, [tally.latencies.buffer as ArrayBuffer]);
await client.close();
