/**
 * The Repository contract suite (DESIGN.md house rule 2): every store runs exactly these tests, from
 * memory.test.ts, sqlite.test.ts and (later) postgres.test.ts. Each test opens a fresh store from the
 * factory and closes it at the end. Test names state the behaviour and the spec section.
 * Contract: src/store/repository.ts
 */
import type { Test } from 'tap';
import type { Factory } from './contract-helpers.ts';
import { boardContract } from './contract-board.ts';
import { crudContract } from './contract-crud.ts';
import { historyContract } from './contract-history.ts';
import { searchContract } from './contract-search.ts';
import { transactionContract } from './contract-transactions.ts';
import { updateAllContract } from './contract-update-all.ts';

export function runRepositoryContract(t: Test, name: string, factory: Factory): void {
  crudContract(t, name, factory);
  historyContract(t, name, factory);
  searchContract(t, name, factory);
  transactionContract(t, name, factory);
  updateAllContract(t, name, factory);
  boardContract(t, name, factory);
}
