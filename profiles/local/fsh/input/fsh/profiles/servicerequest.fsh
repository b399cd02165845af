Profile: DmsServiceRequest
Parent: ServiceRequest
Id: dms-servicerequest
Title: "DMS referral or request between care levels"
Description: "A referral from a GP to a DMS or hospital (henvisning), a hospital's request to a municipality for municipal services, or a patient-initiated follow-up arrangement. The requester is a practitioner identified by HPR-nummer (reached through the HER-id on the Endpoint of its communication party); the performer is an organisation or a DMS service; the reason is coded in ICD-10 or ICPC-2. no-basis has no ServiceRequest profile, so this derives from R4 ServiceRequest."
* ^status = #draft
* obeys dms-sr-1 and dms-sr-2
* extension contains DmsPriorityGroupExt named priorityGroup 0..* MS
* status MS
* intent MS
* category 1..* MS
* category ^slicing.discriminator.type = #value
* category ^slicing.discriminator.path = "coding.system"
* category ^slicing.rules = #open
* category contains referralKind 1..1 MS
* category[referralKind] ^short = "Referral, request for municipal services, or patient-initiated follow-up"
* category[referralKind] from DmsReferralKindVS (required)
* category[referralKind].coding 1..1
* category[referralKind].coding.system 1..1
* category[referralKind].coding.system = "https://helsebro.no/fhir/CodeSystem/dms-referral-kind" (exactly)
* category[referralKind].coding.code 1..1
* code MS
* code from DmsServiceVS (preferred)
* code ^short = "What is requested: a DMS service, or a municipal service (Volven 9151)"
* subject 1..1 MS
* subject only Reference(DmsPatient)
* authoredOn 1..1 MS
* requester 1..1 MS
* requester only Reference(DmsPractitioner or DmsPractitionerRole or DmsPatient)
* requester ^short = "The referring practitioner (HPR), or the patient for a patient-initiated follow-up"
* performer MS
* performer only Reference(DmsOrganization or DmsHealthcareService)
* reasonCode 1..* MS
* reasonCode.coding ^slicing.discriminator.type = #value
* reasonCode.coding ^slicing.discriminator.path = "system"
* reasonCode.coding ^slicing.rules = #open
* reasonCode.coding contains icd10 0..1 and icpc2 0..1
* reasonCode.coding[icd10].system 1..1
* reasonCode.coding[icd10].system = $ICD10 (exactly)
* reasonCode.coding[icd10].code 1..1
* reasonCode.coding[icpc2].system 1..1
* reasonCode.coding[icpc2].system = $ICPC2 (exactly)
* reasonCode.coding[icpc2].code 1..1
