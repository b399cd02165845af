import t from 'tap';
import { MonotonicClock } from '../../../src/store/clock.ts';

t.test('instants are strictly increasing even when the wall clock stands still', async (t) => {
  const clock = new MonotonicClock(() => Date.parse('2026-01-01T00:00:00.000Z'));
  const a = clock.next();
  const b = clock.next();
  t.equal(a, '2026-01-01T00:00:00.000Z');
  t.equal(b, '2026-01-01T00:00:00.001Z');
});

t.test('a floor from stored data keeps instants after what a previous process wrote', async (t) => {
  const clock = new MonotonicClock(() => Date.parse('2026-01-01T00:00:00.000Z'));
  t.equal(clock.next('2026-06-01T00:00:00.000Z'), '2026-06-01T00:00:00.001Z');
});
