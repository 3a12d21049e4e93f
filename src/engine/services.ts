/** The long-lived parts every operation may use, created once per server. */
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import type { Storage } from '../storage/storage.js';
import { Catalog } from './catalog.js';
import { ItemStore } from './items.js';
import { FORMAT_4_UPGRADE } from '../features/streams/upgrade-format-4.js';

export interface Services {
  readonly config: Config;
  readonly logger: Logger;
  readonly storage: Storage;
  readonly catalog: Catalog;
  readonly items: ItemStore;
}

export async function createServices(config: Config, logger: Logger, storage: Storage): Promise<Services> {
  const catalog = await Catalog.open(storage, config, [FORMAT_4_UPGRADE]);
  return { config, logger, storage, catalog, items: new ItemStore(storage, config, () => catalog.version) };
}
