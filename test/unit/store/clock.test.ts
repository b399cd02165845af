import t from 'tap';
import { MonotonicClock } from '../../../src/store/clock.ts';

t.test('instants are strictly increasing even when the wall clock stands still: the next microsecond', async (t) => {
  const clock = new MonotonicClock(() => Date.parse('2026-01-01T00:00:00.000Z'));
  t.equal(clock.next(), '2026-01-01T00:00:00.000000Z');
  t.equal(clock.next(), '2026-01-01T00:00:00.000001Z');
  t.equal(clock.next(), '2026-01-01T00:00:00.000002Z');
});

t.test('thousands of writes in one millisecond stay in that millisecond (no drift ahead of the wall clock)', async (t) => {
  let now = Date.parse('2026-01-01T00:00:00.000Z');
  const clock = new MonotonicClock(() => now);
  let last = '';
  for (let i = 0; i < 5000; i++) last = clock.next();
  t.equal(last, '2026-01-01T00:00:00.004999Z', '5,000 instants within 5 ms of wall time (at 1 ms each it was 5 s ahead)');
  now += 10;
  t.equal(clock.next(), '2026-01-01T00:00:00.010000Z', 'back on the wall clock once it is ahead again');
});

t.test('a floor from stored data keeps instants after what a previous process wrote, in either digit form', async (t) => {
  const clock = new MonotonicClock(() => Date.parse('2026-01-01T00:00:00.000Z'));
  t.equal(clock.next('2026-06-01T00:00:00.000Z'), '2026-06-01T00:00:00.000001Z');
  clock.observe('2026-07-01T00:00:00.123456Z');
  t.equal(clock.lastIssued, '2026-07-01T00:00:00.123456Z');
  t.equal(clock.next(), '2026-07-01T00:00:00.123457Z');
  clock.observe('2026-01-01T00:00:00.000Z');
  t.equal(clock.next(), '2026-07-01T00:00:00.123458Z', 'an earlier instant observed changes nothing');
});
