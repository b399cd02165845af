// Patients through Kystby DMS: a GP referral to the heart clinic and the outpatient visit it leads to; a
// municipal acute (KAD) stay of a frail elderly patient; a request for municipal services at discharge; a
// patient-initiated follow-up; and the booking of the heart clinic's examination room.

Instance: henvisning-hjertepoliklinikk
InstanceOf: DmsServiceRequest
Title: "GP referral (henvisning) to the DMS heart clinic"
Usage: #example
* status = #active
* intent = #order
* category[referralKind] = https://helsebro.no/fhir/CodeSystem/dms-referral-kind#gp-referral "Henvisning"
* code = https://helsebro.no/fhir/CodeSystem/dms-service#echocardiography "Ekkokardiografi"
* subject = Reference(pasient-ola-testesen)
* authoredOn = "2026-03-02T10:15:00+01:00"
* requester = Reference(lege-kari-fjell-fastlege)
* performer = Reference(kystby-dms-heart-clinic)
* reasonCode.coding[icpc2] = $ICPC2#K77 "Hjertesvikt"
* reasonCode.text = "Tung pust ved anstrengelse, ødemer. Spørsmål om hjertesvikt."
* extension[priorityGroup].valueCoding = https://helsebro.no/fhir/CodeSystem/helsefellesskap-priority-group#multiple-chronic

Instance: anmodning-kommunale-tjenester
InstanceOf: DmsServiceRequest
Title: "Request to the municipality for home care after the KAD stay"
Usage: #example
* status = #active
* intent = #order
* category[referralKind] = https://helsebro.no/fhir/CodeSystem/dms-referral-kind#municipal-services-request "Anmodning om kommunale tjenester"
* code = $V9151#15 "Helsetjenester i hjemmet"
* subject = Reference(pasient-ola-testesen)
* authoredOn = "2026-03-12T09:00:00+01:00"
* requester = Reference(lege-per-strand-dms)
* performer = Reference(kystby-kommune)
* reasonCode.coding[icd10] = $ICD10#I50.9 "Hjertesvikt, uspesifisert"
* extension[priorityGroup].valueCoding = https://helsebro.no/fhir/CodeSystem/helsefellesskap-priority-group#frail-elderly

Instance: pio-hjertesvikt
InstanceOf: DmsServiceRequest
Title: "Patient-initiated follow-up of heart failure at the heart clinic"
Usage: #example
* status = #active
* intent = #plan
* category[referralKind] = https://helsebro.no/fhir/CodeSystem/dms-referral-kind#patient-initiated-follow-up "Pasientinitiert oppfølging"
* code = https://helsebro.no/fhir/CodeSystem/dms-service#heart-clinic "Hjertepoliklinikk"
* subject = Reference(pasient-ola-testesen)
* authoredOn = "2026-03-20T13:00:00+01:00"
* occurrencePeriod.start = "2026-03-20"
* occurrencePeriod.end = "2027-03-20"
* requester = Reference(pasient-ola-testesen)
* performer = Reference(kystby-dms-heart-clinic)
* reasonCode.coding[icd10] = $ICD10#I50.9 "Hjertesvikt, uspesifisert"

Instance: opphold-kad
InstanceOf: DmsEncounter
Title: "A municipal acute (KAD) stay in bed 9-1, from and back to home with home care"
Usage: #example
* status = #finished
* class = $ActCode#IMP "inpatient encounter"
* type[dmsContact] = https://helsebro.no/fhir/CodeSystem/dms-encounter-class#inpatient "Døgnopphold"
* serviceType = https://helsebro.no/fhir/CodeSystem/dms-service#municipal-acute-beds "Kommunale akutte døgnplasser (KAD)"
* subject = Reference(pasient-ola-testesen)
* participant.individual = Reference(lege-per-strand-dms)
* period.start = "2026-03-09T18:40:00+01:00"
* period.end = "2026-03-13T11:00:00+01:00"
* hospitalization.origin = Reference(kystby-kommune)
* hospitalization.admitSource = https://helsebro.no/fhir/CodeSystem/dms-transfer-place#home-care "Hjem med hjemmetjenester"
* hospitalization.destination = Reference(kystby-kommune)
* hospitalization.dischargeDisposition = https://helsebro.no/fhir/CodeSystem/dms-transfer-place#home-care "Hjem med hjemmetjenester"
* location.location = Reference(kystby-dms-bed-9-1)
* location.status = #completed
* location.physicalType = $LocPhys#bd "Bed"
* serviceProvider = Reference(kystby-dms)
* extension[careLevel].valueCoding = https://helsebro.no/fhir/CodeSystem/dms-care-level#municipal-acute "Kommunal øyeblikkelig hjelp døgnopphold (KAD/ØHD)"
* extension[priorityGroup][0].valueCoding = https://helsebro.no/fhir/CodeSystem/helsefellesskap-priority-group#frail-elderly
* extension[priorityGroup][1].valueCoding = https://helsebro.no/fhir/CodeSystem/helsefellesskap-priority-group#multiple-chronic
* extension[healthcareService].valueReference = Reference(kystby-dms-kad)

Instance: konsultasjon-hjertepoliklinikk
InstanceOf: DmsEncounter
Title: "The outpatient visit at the heart clinic the referral led to"
Usage: #example
* status = #finished
* class = $ActCode#AMB "ambulatory"
* type[dmsContact] = https://helsebro.no/fhir/CodeSystem/dms-encounter-class#outpatient "Poliklinisk konsultasjon"
* serviceType = https://helsebro.no/fhir/CodeSystem/dms-service#echocardiography "Ekkokardiografi"
* subject = Reference(pasient-ola-testesen)
* basedOn = Reference(henvisning-hjertepoliklinikk)
* appointment = Reference(time-ekko)
* period.start = "2026-03-24T09:00:00+01:00"
* period.end = "2026-03-24T09:45:00+01:00"
* location.location = Reference(kystby-dms-exam-2)
* serviceProvider = Reference(kystby-dms)
* extension[careLevel].valueCoding = https://helsebro.no/fhir/CodeSystem/dms-care-level#specialist
* extension[healthcareService].valueReference = Reference(kystby-dms-heart-clinic)

Instance: timebok-undersokelsesrom-2
InstanceOf: DmsSchedule
Title: "The bookable time of examination room 2 for the heart clinic"
Usage: #example
* active = true
* serviceType = https://helsebro.no/fhir/CodeSystem/dms-service#heart-clinic "Hjertepoliklinikk"
* actor[0] = Reference(kystby-dms-exam-2)
* actor[1] = Reference(kystby-dms-heart-clinic)
* planningHorizon.start = "2026-03-01T00:00:00+01:00"
* planningHorizon.end = "2026-06-30T23:59:59+02:00"

Instance: luke-ekko-2026-03-24
InstanceOf: DmsSlot
Title: "A 45-minute echocardiography slot"
Usage: #example
* schedule = Reference(timebok-undersokelsesrom-2)
* serviceType = https://helsebro.no/fhir/CodeSystem/dms-service#echocardiography "Ekkokardiografi"
* status = #busy
* start = "2026-03-24T09:00:00+01:00"
* end = "2026-03-24T09:45:00+01:00"

Instance: time-ekko
InstanceOf: DmsAppointment
Title: "The echocardiography appointment in examination room 2"
Usage: #example
* status = #fulfilled
* serviceType = https://helsebro.no/fhir/CodeSystem/dms-service#echocardiography "Ekkokardiografi"
* start = "2026-03-24T09:00:00+01:00"
* end = "2026-03-24T09:45:00+01:00"
* slot = Reference(luke-ekko-2026-03-24)
* basedOn = Reference(henvisning-hjertepoliklinikk)
* participant[0].actor = Reference(pasient-ola-testesen)
* participant[0].status = #accepted
* participant[1].actor = Reference(kystby-dms-exam-2)
* participant[1].status = #accepted
