Profile: DmsEncounter
Parent: Encounter
Id: dms-encounter
Title: "DMS Encounter"
Description: "A stay or visit at a district medical centre (DMS): how the patient is seen (contact type, and the v3 class it maps to), which care level is responsible, the DMS service, the room or bed, where the patient came from and goes to, the referral it is based on and the helsefellesskap priority groups. no-basis has no Encounter profile (its proposal was removed in 2.2.0), so this derives from R4 Encounter."
* ^status = #draft
* obeys dms-enc-1 and dms-enc-2
* extension contains
    DmsCareLevelExt named careLevel 1..1 MS and
    DmsPriorityGroupExt named priorityGroup 0..* MS and
    DmsHealthcareServiceExt named healthcareService 0..1 MS
* extension[careLevel] ^short = "Specialist health service or municipality (KAD/ØHD: municipal-acute)"
* status MS
* class MS
* class from DmsEncounterClassV3VS (required)
* type 1..* MS
* type ^slicing.discriminator.type = #value
* type ^slicing.discriminator.path = "coding.system"
* type ^slicing.rules = #open
* type ^slicing.description = "The DMS contact type, beside any other type"
* type contains dmsContact 1..1 MS
* type[dmsContact] ^short = "How the patient is seen at the DMS"
* type[dmsContact] from DmsEncounterClassVS (required)
* type[dmsContact].coding 1..1
* type[dmsContact].coding.system 1..1
* type[dmsContact].coding.system = "https://helsebro.no/fhir/CodeSystem/dms-encounter-class" (exactly)
* type[dmsContact].coding.code 1..1
* serviceType MS
* serviceType from DmsServiceVS (extensible)
* subject 1..1 MS
* subject only Reference(DmsPatient)
* basedOn MS
* basedOn only Reference(DmsServiceRequest)
* basedOn ^short = "The referral (henvisning) or request the encounter answers"
* participant.individual only Reference(DmsPractitioner or DmsPractitionerRole)
* period 1..1 MS
* period.start 1..1
* hospitalization MS
* hospitalization.origin only Reference(DmsLocation or DmsOrganization)
* hospitalization.admitSource MS
* hospitalization.admitSource from DmsTransferPlaceVS (extensible)
* hospitalization.destination only Reference(DmsLocation or DmsOrganization)
* hospitalization.dischargeDisposition MS
* hospitalization.dischargeDisposition from DmsTransferPlaceVS (extensible)
* location MS
* location.location only Reference(DmsLocation)
* location.location ^short = "The DMS room, bed or station"
* serviceProvider MS
* serviceProvider only Reference(DmsOrganization)
