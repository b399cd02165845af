// The memory store's writer mutex: one holder at a time, waiters served in arrival order.
import t from 'tap';
import { Mutex } from '../../../src/store/memory/mutex.ts';

t.test('holders never overlap and are served in arrival order', async (t) => {
  const m = new Mutex();
  const log: string[] = [];
  let inside = 0;
  const worker = async (name: string, ms: number) => {
    const release = await m.lock();
    inside++;
    t.equal(inside, 1, `${name} holds it alone`);
    log.push(name);
    await new Promise((r) => setTimeout(r, ms));
    inside--;
    release();
  };
  await Promise.all([worker('a', 15), worker('b', 1), worker('c', 5)]);
  t.same(log, ['a', 'b', 'c']);
});
