// The DMS room board (issue 6, item 5): the operation Location/$board and the search parameter its query
// joins on. Server code: src/fhir/operations/board.ts. R4: https://hl7.org/fhir/R4/operationdefinition.html ,
// https://hl7.org/fhir/R4/searchparameter.html , https://hl7.org/fhir/R4/encounter-definitions.html#Encounter.location.status

Instance: encounter-current-location
InstanceOf: SearchParameter
Usage: #definition
Title: "Encounter current location"
* url = "https://helsebro.no/fhir/SearchParameter/encounter-current-location"
* name = "EncounterCurrentLocation"
* status = #active
* description = "The locations where the patient is now: Encounter.location.location of the entries whose status is active (encounter-location-status: the patient is currently at this location, or was between the period specified), of an Encounter whose status says the patient is there (arrived, triaged, in-progress, or onleave: the place is kept). Used by the room board, Location/$board."
* code = #current-location
* base = #Encounter
* type = #reference
* expression = "Encounter.where(status = 'arrived' or status = 'triaged' or status = 'in-progress' or status = 'onleave').location.where(status = 'active').location"
* xpathUsage = #normal
* target = #Location

Instance: Location-board
InstanceOf: OperationDefinition
Usage: #definition
Title: "DMS room board"
* url = "https://helsebro.no/fhir/OperationDefinition/Location-board"
* name = "LocationBoard"
* status = #active
* kind = #operation
* description = "Every place (ward, room, bed, dialysis station, examination room...) under a DMS site, found through Location.partOf recursively, each with its Location (status and operationalStatus, the bed status of v2 table 0116) and the Encounters now at it (Encounter.status arrived, triaged, in-progress or onleave; the Encounter.location entry active, its period, when given, covering the moment of the request) with their patients. Each Encounter and Patient is returned once, as a resource; the place entries reference them."
* affectsState = false
* code = #board
* resource = #Location
* system = false
* type = true
* instance = false
* parameter[0].name = #site
* parameter[0].use = #in
* parameter[0].min = 1
* parameter[0].max = "1"
* parameter[0].type = #string
* parameter[0].searchType = #reference
* parameter[0].documentation = "The site: Location/[id] or [id] of a Location on this server"
* parameter[1].name = #site
* parameter[1].use = #out
* parameter[1].min = 1
* parameter[1].max = "1"
* parameter[1].type = #Location
* parameter[1].documentation = "The site's Location"
* parameter[2].name = #place
* parameter[2].use = #out
* parameter[2].min = 0
* parameter[2].max = "*"
* parameter[2].documentation = "One per Location under the site (partOf, at any depth), ordered by id"
* parameter[2].part[0].name = #location
* parameter[2].part[0].use = #out
* parameter[2].part[0].min = 1
* parameter[2].part[0].max = "1"
* parameter[2].part[0].type = #Location
* parameter[2].part[0].documentation = "The place's Location, as stored"
* parameter[2].part[1].name = #operationalStatus
* parameter[2].part[1].use = #out
* parameter[2].part[1].min = 0
* parameter[2].part[1].max = "1"
* parameter[2].part[1].type = #Coding
* parameter[2].part[1].documentation = "Location.operationalStatus as stored, when the Location has one"
* parameter[2].part[2].name = #encounter
* parameter[2].part[2].use = #out
* parameter[2].part[2].min = 0
* parameter[2].part[2].max = "*"
* parameter[2].part[2].type = #Reference
* parameter[2].part[2].documentation = "An Encounter now at this place (its resource is in an encounter parameter)"
* parameter[2].part[3].name = #patient
* parameter[2].part[3].use = #out
* parameter[2].part[3].min = 0
* parameter[2].part[3].max = "*"
* parameter[2].part[3].type = #Reference
* parameter[2].part[3].documentation = "The subject of such an Encounter (its resource is in a patient parameter)"
* parameter[3].name = #encounter
* parameter[3].use = #out
* parameter[3].min = 0
* parameter[3].max = "*"
* parameter[3].type = #Encounter
* parameter[3].documentation = "Every Encounter a place references, once"
* parameter[4].name = #patient
* parameter[4].use = #out
* parameter[4].min = 0
* parameter[4].max = "*"
* parameter[4].type = #Patient
* parameter[4].documentation = "Every Patient a place references, once"
