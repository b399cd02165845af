Extension: DmsCareLevelExt
Id: dms-care-level
Title: "Responsible care level"
Description: "The level of the health service that is responsible for the stay, the bed or the service: the specialist health service or the municipality (municipal acute beds, KAD/ØHD, are municipal)."
Context: Encounter, HealthcareService
* ^status = #draft
* value[x] 1..1
* value[x] only Coding
* value[x] from DmsCareLevelVS (required)

Extension: DmsPriorityGroupExt
Id: helsefellesskap-priority-group
Title: "Helsefellesskap priority group"
Description: "A priority group of the helsefellesskap the patient belongs to, as assessed for this encounter or referral."
Context: Encounter, ServiceRequest
* ^status = #draft
* value[x] 1..1
* value[x] only Coding
* value[x] from DmsPriorityGroupVS (required)

Extension: DmsHealthcareServiceExt
Id: dms-encounter-service
Title: "The DMS service of an encounter"
Description: "The HealthcareService of the DMS catalogue an encounter belongs to (R4 Encounter.serviceType is only a code; R5 makes it a reference to HealthcareService)."
Context: Encounter
* ^status = #draft
* value[x] 1..1
* value[x] only Reference(DmsHealthcareService)

Extension: DmsFundingExt
Id: dms-funding
Title: "Who pays for a DMS location"
Description: "The organisation that pays for a location (room, bed, station) and the care level it is used at, when that differs from the organisation that runs it (Location.managingOrganization): e.g. a municipal acute bed in a DMS run by the health trust."
Context: Location
* ^status = #draft
* extension contains payer 1..1 and careLevel 0..1
* extension[payer] ^short = "The paying organisation (a municipality or the health trust)"
* extension[payer].value[x] 1..1
* extension[payer].value[x] only Reference(DmsOrganization)
* extension[careLevel] ^short = "The care level the location is used at"
* extension[careLevel].value[x] 1..1
* extension[careLevel].value[x] only Coding
* extension[careLevel].value[x] from DmsCareLevelVS (required)
