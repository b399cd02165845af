// Identifier systems (NORWAY.md §1.4; ../shared/no-basis/identifier-systems.json)
Alias: $FNR = urn:oid:2.16.578.1.12.4.1.4.1
Alias: $DNR = urn:oid:2.16.578.1.12.4.1.4.2
Alias: $FHN = urn:oid:2.16.578.1.12.4.1.4.3
Alias: $HPR = urn:oid:2.16.578.1.12.4.1.4.4
Alias: $ENH = urn:oid:2.16.578.1.12.4.1.4.101
Alias: $RESH = urn:oid:2.16.578.1.12.4.1.4.102
Alias: $HER = urn:oid:2.16.578.1.12.4.1.2

// Code systems
Alias: $ICD10 = urn:oid:2.16.578.1.12.4.1.1.7110
Alias: $ICPC2 = urn:oid:2.16.578.1.12.4.1.1.7170
Alias: $ICPC2-FHIR = http://hl7.org/fhir/sid/icpc-2
Alias: $V9151 = urn:oid:2.16.578.1.12.4.1.1.9151
Alias: $V8628 = urn:oid:2.16.578.1.12.4.1.1.8628
Alias: $V9060 = urn:oid:2.16.578.1.12.4.1.1.9060
Alias: $ActCode = http://terminology.hl7.org/CodeSystem/v3-ActCode
Alias: $LocPhys = http://terminology.hl7.org/CodeSystem/location-physical-type
Alias: $BedStatus = http://terminology.hl7.org/CodeSystem/v2-0116
Alias: $BedStatusVS = http://terminology.hl7.org/ValueSet/v2-0116
Alias: $ConnType = http://terminology.hl7.org/CodeSystem/endpoint-connection-type
Alias: $NoConnType = http://hl7.no/fhir/CodeSystem/no-basis-connection-type

// no-basis 2.2.0 profiles
Alias: $NoBasisPatient = http://hl7.no/fhir/StructureDefinition/no-basis-Patient
Alias: $NoBasisOrganization = http://hl7.no/fhir/StructureDefinition/no-basis-Organization
Alias: $NoBasisPractitioner = http://hl7.no/fhir/StructureDefinition/no-basis-Practitioner
Alias: $NoBasisPractitionerRole = http://hl7.no/fhir/StructureDefinition/no-basis-PractitionerRole
Alias: $NoBasisLocation = http://hl7.no/fhir/StructureDefinition/no-basis-Location
Alias: $NoBasisHealthcareService = http://hl7.no/fhir/StructureDefinition/no-basis-HealthcareService
Alias: $NoBasisEndpoint = http://hl7.no/fhir/StructureDefinition/no-basis-Endpoint
Alias: $NoBasisAppointment = http://hl7.no/fhir/StructureDefinition/no-basis-Appointment
Alias: $Municipality = http://hl7.no/fhir/StructureDefinition/no-basis-municipalitycode
