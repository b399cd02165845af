/**
 * Distances for the `near` parameter (Location-near, https://hl7.org/fhir/R4/location.html#positional):
 * `near=[latitude]|[longitude]|[distance]|[units]` over Location.position in WGS84 decimal degrees. The
 * spec lets servers choose their accuracy; ours is the great-circle distance on a sphere of the mean Earth
 * radius (IUGG, 6,371.0088 km), within about 0.5% of the WGS84 ellipsoid.
 *
 * Each position is also stored as its unit vector (x, y, z), so "within d km" is plain arithmetic that
 * every SQL dialect evaluates the same way as JavaScript: the straight-line (chord) distance between two
 * unit vectors is 2 sin(angle / 2), so angle <= d / R is chord^2 <= (2 sin(d / 2R))^2. A latitude/longitude
 * box around the point, always a superset of the circle, lets the index narrow the scan first.
 */
export const EARTH_RADIUS_KM = 6371.0088;
/** Distance when the request gives none: the spec leaves it to the server */
export const DEFAULT_NEAR_KM = 5;

const RAD = Math.PI / 180;

export function unitVector(lat: number, long: number): { x: number; y: number; z: number } {
  const phi = lat * RAD;
  const lambda = long * RAD;
  return { x: Math.cos(phi) * Math.cos(lambda), y: Math.cos(phi) * Math.sin(lambda), z: Math.sin(phi) };
}

/** The squared chord of a great-circle distance; Infinity when the circle covers the whole sphere */
export function chordSquaredLimit(km: number): number {
  const angle = km / EARTH_RADIUS_KM;
  if (angle >= Math.PI) return Infinity;
  const chord = 2 * Math.sin(angle / 2);
  return chord * chord;
}

/** Squared chord between a stored unit vector and the query's, in the order the SQL index renders it */
export function chordSquared(p: { x: number; y: number; z: number }, q: { x: number; y: number; z: number }): number {
  const dx = p.x - q.x;
  const dy = p.y - q.y;
  const dz = p.z - q.z;
  return dx * dx + dy * dy + dz * dz;
}

/**
 * Latitude and longitude bounds that every point within km of (lat, long) lies inside; longitude bounds
 * are left out when the circle reaches a pole or crosses the antimeridian (the chord test still decides).
 */
export function boundingBox(lat: number, long: number, km: number): { latMin: number; latMax: number; longMin?: number; longMax?: number } {
  const angle = km / EARTH_RADIUS_KM;
  const dLat = angle / RAD;
  const latMin = lat - dLat;
  const latMax = lat + dLat;
  if (latMin <= -90 || latMax >= 90 || angle >= Math.PI / 2) return { latMin, latMax };
  const dLong = Math.asin(Math.min(1, Math.sin(angle) / Math.cos(lat * RAD))) / RAD;
  const longMin = long - dLong;
  const longMax = long + dLong;
  if (longMin < -180 || longMax > 180) return { latMin, latMax };
  // a little slack so rounding in asin never drops a point on the edge of the box
  return { latMin: latMin - 1e-9, latMax: latMax + 1e-9, longMin: longMin - 1e-9, longMax: longMax + 1e-9 };
}
