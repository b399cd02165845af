/**
 * createRepository: the one place a store is chosen from the typed options (DESIGN.md §2 config/, §5).
 * Everything above the store sees only the Repository contract (./repository.ts).
 */
import type { StoreOptions } from '../config/options.ts';
import { MemoryRepository } from './memory/repository.ts';
import type { Repository } from './repository.ts';
import { SqliteRepository } from './sqlite/repository.ts';

export async function createRepository(opts: StoreOptions): Promise<Repository> {
  switch (opts.kind) {
    case 'memory':
      return new MemoryRepository();
    case 'sqlite':
      return SqliteRepository.open({ file: opts.file, synchronous: opts.synchronous, countCache: opts.countCache });
  }
}
