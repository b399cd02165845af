Profile: DmsPatient
Parent: $NoBasisPatient
Id: dms-patient
Title: "DMS Patient"
Description: "A patient in the exchange between hospital, municipality, GP and DMS: identified by fødselsnummer, D-nummer or felles hjelpenummer (the no-basis slices; at least one is required, invariant dms-pat-1), with a name."
* ^status = #draft
* obeys dms-pat-1
* identifier 1..* MS
* identifier[FNR] MS
* identifier[DNR] MS
* identifier[FHN] MS
* name 1..* MS
* birthDate MS
* gender MS
* generalPractitioner MS
* generalPractitioner only Reference(DmsPractitioner or DmsPractitionerRole or DmsOrganization)

Profile: DmsOrganization
Parent: $NoBasisOrganization
Id: dms-organization
Title: "DMS Organization"
Description: "A health trust, municipality, DMS, GP office, home care service or nursing home: identified by organisasjonsnummer (required); never by HER-id, which addresses a communication party and is carried on its Endpoint (invariant dms-org-1)."
* ^status = #draft
* obeys dms-org-1
* identifier 1..* MS
* identifier[ENH] 1..1 MS
* identifier[RSH] MS
* active MS
* type ^slicing.discriminator.type = #value
* type ^slicing.discriminator.path = "coding.system"
* type ^slicing.rules = #open
* type contains dmsRole 0..1 MS
* type[dmsRole] ^short = "Health trust, municipality, DMS, GP office, home care, nursing home"
* type[dmsRole] from DmsOrganizationRoleVS (required)
* type[dmsRole].coding 1..1
* type[dmsRole].coding.system 1..1
* type[dmsRole].coding.system = "https://helsebro.no/fhir/CodeSystem/dms-organization-role" (exactly)
* type[dmsRole].coding.code 1..1
* name 1..1 MS
* partOf only Reference(DmsOrganization)
* endpoint only Reference(DmsEndpoint)

Profile: DmsPractitioner
Parent: $NoBasisPractitioner
Id: dms-practitioner
Title: "DMS Practitioner"
Description: "Health personnel in the DMS exchange, identified by HPR-nummer (required)."
* ^status = #draft
* identifier 1..* MS
* identifier[HPR] 1..1 MS
* name 1..* MS

Profile: DmsPractitionerRole
Parent: $NoBasisPractitionerRole
Id: dms-practitionerrole
Title: "DMS PractitionerRole"
Description: "A practitioner's role at an organisation (the GP at a GP office, a physician at the DMS). Its HER-id, when the person is a communication party (fastleger are addressed as persons), is an identifier here and on the Endpoint."
* ^status = #draft
* identifier ^slicing.discriminator.type = #value
* identifier ^slicing.discriminator.path = "system"
* identifier ^slicing.rules = #open
* identifier contains HER 0..1 MS
* identifier[HER].system 1..1
* identifier[HER].system = $HER (exactly)
* identifier[HER].value 1..1
* practitioner 1..1 MS
* practitioner only Reference(DmsPractitioner)
* organization 1..1 MS
* organization only Reference(DmsOrganization)
* location only Reference(DmsLocation)
* healthcareService only Reference(DmsHealthcareService)
* endpoint MS
* endpoint only Reference(DmsEndpoint)

Profile: DmsEndpoint
Parent: $NoBasisEndpoint
Id: dms-endpoint
Title: "DMS communication party Endpoint"
Description: "The message endpoint of a communication party (kommunikasjonspart) in the Adresseregister: it carries the party's HER-id (required), which is how messages to an organisation's service or to a GP are addressed."
* ^status = #draft
* identifier 1..* MS
* identifier ^slicing.discriminator.type = #value
* identifier ^slicing.discriminator.path = "system"
* identifier ^slicing.rules = #open
* identifier contains HER 1..1 MS
* identifier[HER].system 1..1
* identifier[HER].system = $HER (exactly)
* identifier[HER].value 1..1
* managingOrganization MS
* managingOrganization only Reference(DmsOrganization)
