Profile: DmsLocation
Parent: $NoBasisLocation
Id: dms-location
Title: "DMS Location"
Description: "A DMS site and its wards, rooms, beds, dialysis stations, infusion places, examination and operating rooms (and the local health rooms in the municipalities): what it is for (type), its physical type, its bed status (operationalStatus, v2 table 0116), who runs it (managingOrganization) and who pays for it (extension funding), the partOf hierarchy and the position of the site."
* ^status = #draft
* obeys dms-loc-1
* extension contains DmsFundingExt named funding 0..1 MS
* status 1..1 MS
* operationalStatus MS
* operationalStatus from $BedStatusVS (required)
* operationalStatus ^short = "Bed status (v2 table 0116): occupied, unoccupied, closed, housekeeping, isolated, contaminated"
* name 1..1 MS
* type 1..* MS
* type ^slicing.discriminator.type = #value
* type ^slicing.discriminator.path = "coding.system"
* type ^slicing.rules = #open
* type contains dmsKind 1..1 MS
* type[dmsKind] ^short = "Site, ward, room, bed, dialysis station, infusion place, examination room..."
* type[dmsKind] from DmsLocationKindVS (required)
* type[dmsKind].coding 1..1
* type[dmsKind].coding.system 1..1
* type[dmsKind].coding.system = "https://helsebro.no/fhir/CodeSystem/dms-location-kind" (exactly)
* type[dmsKind].coding.code 1..1
* physicalType 1..1 MS
* physicalType from DmsLocationPhysicalTypeVS (required)
* position MS
* managingOrganization 1..1 MS
* managingOrganization only Reference(DmsOrganization)
* managingOrganization ^short = "The organisation that runs the location (the health trust or a municipality)"
* partOf MS
* partOf only Reference(DmsLocation)
