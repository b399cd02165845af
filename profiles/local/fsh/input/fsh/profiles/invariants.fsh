Invariant: dms-enc-1
Description: "Encounter.class is the v3 ActCode the DMS contact type maps to (ConceptMap dms-encounter-class-to-v3)"
Severity: #error
Expression: "type.coding.where(system = 'https://helsebro.no/fhir/CodeSystem/dms-encounter-class').all((code = 'outpatient' and %resource.class.code = 'AMB') or ((code = 'day-treatment' or code = 'day-surgery') and %resource.class.code = 'SS') or (code = 'inpatient' and %resource.class.code = 'IMP') or (code = 'virtual-health-room' and %resource.class.code = 'VR') or (code = 'home-hospital' and %resource.class.code = 'HH'))"

Invariant: dms-enc-2
Description: "A stay in a bed (inpatient) names its room or bed"
Severity: #error
Expression: "type.coding.where(system = 'https://helsebro.no/fhir/CodeSystem/dms-encounter-class' and code = 'inpatient').exists() implies location.exists()"

Invariant: dms-pat-1
Description: "A patient in DMS exchange is identified by a fødselsnummer, a D-nummer or a felles hjelpenummer"
Severity: #error
Expression: "identifier.where(system = 'urn:oid:2.16.578.1.12.4.1.4.1' or system = 'urn:oid:2.16.578.1.12.4.1.4.2' or system = 'urn:oid:2.16.578.1.12.4.1.4.3').exists()"

Invariant: dms-org-1
Description: "A HER-id is not an Organization.identifier: it addresses a communication party and belongs on its Endpoint (HL7 Norge best practice)"
Severity: #error
Expression: "identifier.where(system = 'urn:oid:2.16.578.1.12.4.1.2').empty()"

Invariant: dms-loc-1
Description: "Every location but a DMS site or a local health room (which stands in a kommune, away from any DMS) is part of another location"
Severity: #error
Expression: "type.coding.where(system = 'https://helsebro.no/fhir/CodeSystem/dms-location-kind' and (code = 'site' or code = 'local-health-room')).exists() or partOf.exists()"

Invariant: dms-sr-1
Description: "Each reason is coded in ICD-10 (urn:oid:2.16.578.1.12.4.1.1.7110) or ICPC-2 (urn:oid:2.16.578.1.12.4.1.1.7170 or http://hl7.org/fhir/sid/icpc-2)"
Severity: #error
Expression: "reasonCode.all(coding.where(system = 'urn:oid:2.16.578.1.12.4.1.1.7110' or system = 'urn:oid:2.16.578.1.12.4.1.1.7170' or system = 'http://hl7.org/fhir/sid/icpc-2').exists())"

Invariant: dms-sr-2
Description: "Only a patient-initiated follow-up has the patient as its requester"
Severity: #error
Expression: "requester.reference.startsWith('Patient/') implies category.coding.where(system = 'https://helsebro.no/fhir/CodeSystem/dms-referral-kind' and code = 'patient-initiated-follow-up').exists()"

Invariant: dms-sch-1
Description: "A DMS schedule books a room, bed or station: one actor is a Location"
Severity: #error
Expression: "actor.where(reference.startsWith('Location/')).exists()"

Invariant: dms-app-1
Description: "A DMS appointment has the patient and the room (a Location) among its participants"
Severity: #error
Expression: "participant.where(actor.reference.startsWith('Patient/')).exists() and participant.where(actor.reference.startsWith('Location/')).exists()"
