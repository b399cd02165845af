// near (https://hl7.org/fhir/R4/location.html#positional): the chord test of src/search/geo.ts is the
// great-circle distance (checked against the haversine formula computed here independently), and the
// latitude/longitude box is a superset of the circle (it never drops a point the chord test keeps).
import t from 'tap';
import { boundingBox, chordSquared, chordSquaredLimit, EARTH_RADIUS_KM, unitVector } from '../../../src/search/geo.ts';

const rad = (d: number) => (d * Math.PI) / 180;
function haversineKm(lat1: number, long1: number, lat2: number, long2: number): number {
  const h = Math.sin(rad(lat2 - lat1) / 2) ** 2 + Math.cos(rad(lat1)) * Math.cos(rad(lat2)) * Math.sin(rad(long2 - long1) / 2) ** 2;
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.sqrt(h));
}

t.test('within d km by the chord test exactly when the haversine distance is at most d', async (t) => {
  let seed = 7;
  const rnd = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
  let inside = 0;
  let boxMisses = 0;
  for (let i = 0; i < 50_000; i++) {
    const lat = (rnd() - 0.5) * 179;
    const long = (rnd() - 0.5) * 359;
    const km = rnd() < 0.5 ? rnd() * 50 : rnd() * 3000;
    const lat2 = Math.max(-90, Math.min(90, lat + (rnd() - 0.5) * (km / 50)));
    const long2 = Math.max(-180, Math.min(180, long + (rnd() - 0.5) * (km / 30)));
    const d = haversineKm(lat, long, lat2, long2);
    if (Math.abs(d - km) < 1e-6) continue; // on the edge, rounding may go either way
    const chord = chordSquared(unitVector(lat2, long2), unitVector(lat, long)) <= chordSquaredLimit(km);
    if (chord !== d <= km) {
      t.fail(`(${lat2}, ${long2}) is ${d} km from (${lat}, ${long}): chord test says ${chord} for ${km} km`);
      return;
    }
    if (chord) {
      inside++;
      const b = boundingBox(lat, long, km);
      const inBox = lat2 >= b.latMin && lat2 <= b.latMax && (b.longMin === undefined || (long2 >= b.longMin && long2 <= b.longMax!));
      if (!inBox) boxMisses++;
    }
  }
  t.ok(inside > 5_000, `${inside} points inside their circle`);
  t.equal(boxMisses, 0, 'the box holds every point of the circle');
});

t.test('the whole sphere needs no test; 10.5 km between Haukeland and Åsane', async (t) => {
  t.equal(chordSquaredLimit(Math.PI * EARTH_RADIUS_KM + 1), Infinity);
  const d = haversineKm(60.3733, 5.3576, 60.466, 5.321);
  t.ok(d > 10.4 && d < 10.6, `${d} km`);
});
