/** The long-lived parts every operation may use, created once per server. */
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import type { Storage } from '../storage/storage.js';
import { Catalog } from './catalog.js';
import { ItemStore } from './items.js';
import { Members } from './members.js';
import { EnforcedLimits, UNLIMITED, type ThroughputLimits } from '../features/capacity/throughput-limits.js';
import { FORMAT_4_UPGRADE } from '../features/streams/upgrade-format-4.js';

export interface Services {
  readonly config: Config;
  readonly logger: Logger;
  readonly storage: Storage;
  readonly catalog: Catalog;
  readonly items: ItemStore;
  /** Capacity enforcement (UNLIMITED with --capacity report). */
  readonly throughput: ThroughputLimits;
  /** The processes serving this store, when their number matters (capacity enforcement shares rates among them). */
  readonly members?: Members;
}

export async function createServices(config: Config, logger: Logger, storage: Storage): Promise<Services> {
  const catalog = await Catalog.open(storage, config, [FORMAT_4_UPGRADE]);
  const items = new ItemStore(storage, config, () => catalog.version);
  if (config.capacity === 'report') return { config, logger, storage, catalog, items, throughput: UNLIMITED };
  const members = new Members(storage);
  return { config, logger, storage, catalog, items, members, throughput: new EnforcedLimits(config.burstSeconds, () => members.count) };
}
