// The Repository contract against the memory store (DESIGN.md house rule 2).
import t from 'tap';
import { MemoryRepository } from '../../src/store/memory/repository.ts';
import { createRepository } from '../../src/store/index.ts';
import { runRepositoryContract } from './repository.contract.ts';

runRepositoryContract(t, 'memory', async () => new MemoryRepository());

t.test('createRepository({kind: "memory"}) builds the memory store', async (t) => {
  const repo = await createRepository({ kind: 'memory' });
  t.equal(repo.kind, 'memory');
  await repo.close();
});
