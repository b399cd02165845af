/**
 * Request bodies for the core bench. One Patient shape is used everywhere (seed, create, update, the
 * transaction's entries and the ceiling's constant answer), so every server reads and writes resources of the
 * same size. Synthetic data only: the identifier system is a made-up MRN, not a Norwegian national
 * identifier, so no national checksum rule applies.
 *
 * Transaction: https://hl7.org/fhir/R4/http.html#transaction
 */
import type { Bundle, Patient } from '@medplum/fhirtypes';

export const MRN_SYSTEM = 'https://helsebro.example/bench/mrn';

/** A realistic small Patient (about 600 bytes as JSON). `n` makes names and identifiers differ. */
export function benchPatient(n: number, id?: string): Patient {
  return {
    resourceType: 'Patient',
    ...(id ? { id } : {}),
    identifier: [{ system: MRN_SYSTEM, value: `MRN-${n}` }],
    active: true,
    name: [{ use: 'official', family: `Nordmann${n % 97}`, given: ['Kari', `B${n}`] }],
    telecom: [
      { system: 'phone', value: `+47 9${String(n).padStart(7, '0')}`, use: 'mobile' },
      { system: 'email', value: `kari.${n}@example.org` },
    ],
    gender: 'female',
    birthDate: `19${String(40 + (n % 60)).padStart(2, '0')}-0${1 + (n % 9)}-1${n % 10}`,
    address: [
      { use: 'home', line: [`Storgata ${1 + (n % 200)}`], postalCode: '9008', city: 'Tromsø', country: 'NO' },
    ],
  };
}

/** What the ceiling returns for every request: a stored-looking Patient of the same size Helsebro serves. */
export const CEILING_PATIENT: Patient = {
  ...benchPatient(1, 'ceiling-0000-0000-0000-000000000001'),
  meta: { versionId: '1', lastUpdated: '2025-01-01T00:00:00.000000Z' },
};

/**
 * A transaction of `size` Patient creates with urn:uuid fullUrls. Every entry after the first links to the
 * first by its urn:uuid (Patient.link.other), so the server must resolve and rewrite in-bundle references,
 * which is what transactions are for; Patient-only so the peer can process it too.
 */
export function patientTransaction(size: number, salt: number): Bundle {
  const urn = (i: number): string =>
    `urn:uuid:${String(salt % 1e8).padStart(8, '0')}-0000-4000-8000-${String(i).padStart(12, '0')}`;
  return {
    resourceType: 'Bundle',
    type: 'transaction',
    entry: Array.from({ length: size }, (_, i) => {
      const patient = benchPatient(salt * size + i);
      if (i > 0) patient.link = [{ other: { reference: urn(0) }, type: 'seealso' }];
      return { fullUrl: urn(i), resource: patient, request: { method: 'POST', url: 'Patient' } };
    }),
  };
}
