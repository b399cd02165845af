// Kystby DMS: the site, its intermediate ward with a room and a municipal acute bed, a dialysis station, an
// examination room, and three services of its catalogue.

Instance: kystby-dms-site
InstanceOf: DmsLocation
Title: "Kystby DMS (the site)"
Usage: #example
* status = #active
* name = "Kystby DMS"
* type[dmsKind] = https://helsebro.no/fhir/CodeSystem/dms-location-kind#site "DMS"
* physicalType = $LocPhys#si "Site"
* address.line = "Sjøgata 10"
* address.postalCode = "9999"
* address.city = "Kystby"
* position.latitude = 68.2341
* position.longitude = 14.5682
* managingOrganization = Reference(kystby-dms)

Instance: kystby-dms-intermediate-ward
InstanceOf: DmsLocation
Title: "The intermediate ward"
Usage: #example
* status = #active
* name = "Intermediæravdelingen"
* type[dmsKind] = https://helsebro.no/fhir/CodeSystem/dms-location-kind#ward "Avdeling"
* physicalType = $LocPhys#wa "Ward"
* managingOrganization = Reference(kystby-dms)
* partOf = Reference(kystby-dms-site)

Instance: kystby-dms-room-9
InstanceOf: DmsLocation
Title: "Room 9, one of the two municipal acute (KAD) rooms"
Usage: #example
* status = #active
* name = "Rom 9"
* type[dmsKind] = https://helsebro.no/fhir/CodeSystem/dms-location-kind#patient-room "Pasientrom"
* physicalType = $LocPhys#ro "Room"
* managingOrganization = Reference(kystby-dms)
* partOf = Reference(kystby-dms-intermediate-ward)
* extension[funding].extension[payer].valueReference = Reference(kystby-kommune)
* extension[funding].extension[careLevel].valueCoding = https://helsebro.no/fhir/CodeSystem/dms-care-level#municipal-acute

Instance: kystby-dms-bed-9-1
InstanceOf: DmsLocation
Title: "Bed 9-1: a municipal acute bed, run by the DMS and paid for by Kystby kommune"
Usage: #example
* status = #active
* operationalStatus = $BedStatus#O "Occupied"
* name = "Seng 9-1"
* type[dmsKind] = https://helsebro.no/fhir/CodeSystem/dms-location-kind#bed "Seng"
* physicalType = $LocPhys#bd "Bed"
* managingOrganization = Reference(kystby-dms)
* partOf = Reference(kystby-dms-room-9)
* extension[funding].extension[payer].valueReference = Reference(kystby-kommune)
* extension[funding].extension[careLevel].valueCoding = https://helsebro.no/fhir/CodeSystem/dms-care-level#municipal-acute

Instance: kystby-dms-dialysis-1
InstanceOf: DmsLocation
Title: "Dialysis station 1"
Usage: #example
* status = #active
* operationalStatus = $BedStatus#U "Unoccupied"
* name = "Dialyseplass 1"
* type[dmsKind] = https://helsebro.no/fhir/CodeSystem/dms-location-kind#dialysis-station "Dialyseplass"
* physicalType = $LocPhys#bd "Bed"
* managingOrganization = Reference(kystby-dms)
* partOf = Reference(kystby-dms-site)

Instance: kystby-dms-exam-2
InstanceOf: DmsLocation
Title: "Examination room 2 (heart clinic)"
Usage: #example
* status = #active
* name = "Undersøkelsesrom 2"
* type[dmsKind] = https://helsebro.no/fhir/CodeSystem/dms-location-kind#examination-room "Undersøkelsesrom"
* physicalType = $LocPhys#ro "Room"
* managingOrganization = Reference(kystby-dms)
* partOf = Reference(kystby-dms-site)

Instance: kystby-dms-heart-clinic
InstanceOf: DmsHealthcareService
Title: "Heart clinic (ECG, echocardiography, pacemaker control), with video consultations"
Usage: #example
* active = true
* providedBy = Reference(kystby-dms)
* providedBy.identifier.system = $ENH
* providedBy.identifier.value = "999033334"
* type[dmsService] = https://helsebro.no/fhir/CodeSystem/dms-service#heart-clinic "Hjertepoliklinikk"
* type[1] = https://helsebro.no/fhir/CodeSystem/dms-service#ecg "EKG"
* name = "Hjertepoliklinikken, Kystby DMS"
* location = Reference(kystby-dms-exam-2)
* characteristic = https://helsebro.no/fhir/CodeSystem/dms-service-characteristic#video-consultation "Videokonsultasjon"
* availableTime.daysOfWeek[0] = #tue
* availableTime.daysOfWeek[1] = #thu
* availableTime.availableStartTime = "08:00:00"
* availableTime.availableEndTime = "15:30:00"
* extension[careLevel].valueCoding = https://helsebro.no/fhir/CodeSystem/dms-care-level#specialist

Instance: kystby-dms-kad
InstanceOf: DmsHealthcareService
Title: "Municipal acute beds (KAD) for Kystby kommune"
Usage: #example
* identifier[HER].system = $HER
* identifier[HER].value = "8099903"
* active = true
* providedBy = Reference(kystby-dms)
* providedBy.identifier.system = $ENH
* providedBy.identifier.value = "999033334"
* type[dmsService] = https://helsebro.no/fhir/CodeSystem/dms-service#municipal-acute-beds "Kommunale akutte døgnplasser (KAD)"
* specialty.coding = $V9151#25 "Kommunal øyeblikkelig hjelp - døgnopphold"
* name = "KAD-senger, Kystby DMS"
* location = Reference(kystby-dms-room-9)
* availableTime.allDay = true
* extension[careLevel].valueCoding = https://helsebro.no/fhir/CodeSystem/dms-care-level#municipal-acute

Instance: kystby-dms-dialysis
InstanceOf: DmsHealthcareService
Title: "Dialysis"
Usage: #example
* active = true
* providedBy = Reference(kystby-dms)
* providedBy.identifier.system = $ENH
* providedBy.identifier.value = "999033334"
* type[dmsService] = https://helsebro.no/fhir/CodeSystem/dms-service#dialysis "Dialyse"
* name = "Dialyse, Kystby DMS"
* location = Reference(kystby-dms-dialysis-1)
* availableTime.daysOfWeek[0] = #mon
* availableTime.daysOfWeek[1] = #wed
* availableTime.daysOfWeek[2] = #fri
* availableTime.availableStartTime = "07:30:00"
* availableTime.availableEndTime = "16:00:00"
