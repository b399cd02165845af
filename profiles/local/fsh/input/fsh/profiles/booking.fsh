Profile: DmsSchedule
Parent: Schedule
Id: dms-schedule
Title: "DMS Schedule"
Description: "The bookable time of a DMS room, bed or station (outpatient days, day surgery, dialysis shifts), with the service and the practitioner where they belong to it. no-basis has no Schedule profile."
* ^status = #draft
* obeys dms-sch-1
* active 1..1 MS
* serviceType MS
* serviceType from DmsServiceVS (extensible)
* actor MS
* actor only Reference(DmsLocation or DmsHealthcareService or DmsPractitionerRole or DmsPractitioner)
* planningHorizon 1..1 MS

Profile: DmsSlot
Parent: Slot
Id: dms-slot
Title: "DMS Slot"
Description: "A bookable interval of a DMS schedule. no-basis has no Slot profile."
* ^status = #draft
* serviceType MS
* serviceType from DmsServiceVS (extensible)
* schedule MS
* schedule only Reference(DmsSchedule)

Profile: DmsAppointment
Parent: $NoBasisAppointment
Id: dms-appointment
Title: "DMS Appointment"
Description: "A booking of a DMS room (outpatient day, day surgery, dialysis, infusion) for a patient, in one or more slots, based on the referral; the patient and the room are participants (invariant dms-app-1)."
* ^status = #draft
* obeys dms-app-1
* serviceType MS
* serviceType from DmsServiceVS (extensible)
* start 1..1 MS
* end 1..1 MS
* slot MS
* slot only Reference(DmsSlot)
* basedOn MS
* basedOn only Reference(DmsServiceRequest)
* participant.actor only Reference(DmsPatient or DmsPractitioner or DmsPractitionerRole or DmsLocation or DmsHealthcareService)
