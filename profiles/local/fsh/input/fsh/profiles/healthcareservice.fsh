Profile: DmsHealthcareService
Parent: $NoBasisHealthcareService
Id: dms-healthcareservice
Title: "DMS HealthcareService"
Description: "A service of the DMS catalogue (heart clinic, imaging, dialysis, chemotherapy, gynaecology, ENT, neurology, orthopaedics, day surgery, light therapy, intermediate beds, municipal acute beds): who provides it, where, when (availableTime), the care level responsible for it and whether it is offered at a distance (characteristic). Its HER-id, when it is a communication party, is an identifier here and on its Endpoint."
* ^status = #draft
* extension contains DmsCareLevelExt named careLevel 0..1 MS
* identifier ^slicing.discriminator.type = #value
* identifier ^slicing.discriminator.path = "system"
* identifier ^slicing.rules = #open
* identifier contains HER 0..1 MS
* identifier[HER] ^short = "The HER-id of the service as a communication party"
* identifier[HER].system 1..1
* identifier[HER].system = $HER (exactly)
* identifier[HER].value 1..1
* active 1..1 MS
* providedBy 1..1 MS
* providedBy only Reference(DmsOrganization)
* type 1..* MS
* type ^slicing.discriminator.type = #value
* type ^slicing.discriminator.path = "coding.system"
* type ^slicing.rules = #open
* type contains dmsService 1..* MS
* type[dmsService] from DmsServiceVS (required)
* type[dmsService].coding 1..1
* type[dmsService].coding.system 1..1
* type[dmsService].coding.system = "https://helsebro.no/fhir/CodeSystem/dms-service" (exactly)
* type[dmsService].coding.code 1..1
* location 1..* MS
* location only Reference(DmsLocation)
* name 1..1 MS
* characteristic MS
* characteristic from DmsServiceCharacteristicVS (extensible)
* characteristic ^short = "Telemedicine: video consultation, remotely guided examination, from a local health room"
* availableTime MS
* endpoint only Reference(DmsEndpoint)
