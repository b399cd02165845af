// Terminology for DMS encounters: the contact type (mapped to v3 ActCode), the responsible care level, the
// helsefellesskap priority groups, and where a patient comes from and goes to.

CodeSystem: DmsEncounterClassCS
Id: dms-encounter-class
Title: "DMS contact type"
Description: "How a patient is seen at a district medical centre (DMS). Each code maps to the v3 ActCode that Encounter.class carries (ConceptMap dms-encounter-class-to-v3)."
* ^status = #draft
* ^caseSensitive = true
* ^content = #complete
* #outpatient "Poliklinisk konsultasjon" "An outpatient visit: the patient comes for an examination or consultation and leaves the same day (v3 AMB)."
* #day-treatment "Dagbehandling" "Planned treatment during the day without an overnight stay, e.g. dialysis or chemotherapy (v3 SS)."
* #day-surgery "Dagkirurgi" "Planned surgery with discharge the same day (v3 SS)."
* #inpatient "Døgnopphold" "A stay with at least one night in an intermediate or municipal acute bed at the DMS (v3 IMP)."
* #virtual-health-room "Virtuell konsultasjon fra lokalt helserom" "A video consultation with a specialist, the patient sitting in a local health room with health personnel present (v3 VR)."
* #home-hospital "Hjemmesykehus" "Treatment in the patient's home under the responsibility of the DMS or hospital (v3 HH)."

ValueSet: DmsEncounterClassVS
Id: dms-encounter-class
Title: "DMS contact types"
Description: "Every DMS contact type."
* ^status = #draft
* include codes from system DmsEncounterClassCS

ValueSet: DmsEncounterClassV3VS
Id: dms-encounter-class-v3
Title: "Encounter.class for DMS encounters"
Description: "The v3 ActCode encounter classes the DMS contact types map to."
* ^status = #draft
* $ActCode#AMB "ambulatory"
* $ActCode#SS "short stay"
* $ActCode#IMP "inpatient encounter"
* $ActCode#VR "virtual"
* $ActCode#HH "home health"

Instance: dms-encounter-class-to-v3
InstanceOf: ConceptMap
Usage: #definition
Title: "DMS contact type to v3 ActCode"
Description: "The Encounter.class that goes with each DMS contact type (invariant dms-enc-1 checks it)."
* url = "https://helsebro.no/fhir/ConceptMap/dms-encounter-class-to-v3"
* version = "0.1.0"
* name = "DmsEncounterClassToV3"
* status = #draft
* sourceCanonical = Canonical(DmsEncounterClassVS)
* targetCanonical = Canonical(DmsEncounterClassV3VS)
* group[0].source = "https://helsebro.no/fhir/CodeSystem/dms-encounter-class"
* group[0].target = "http://terminology.hl7.org/CodeSystem/v3-ActCode"
* group[0].element[0].code = #outpatient
* group[0].element[0].target[0].code = #AMB
* group[0].element[0].target[0].equivalence = #equivalent
* group[0].element[1].code = #day-treatment
* group[0].element[1].target[0].code = #SS
* group[0].element[1].target[0].equivalence = #wider
* group[0].element[2].code = #day-surgery
* group[0].element[2].target[0].code = #SS
* group[0].element[2].target[0].equivalence = #wider
* group[0].element[3].code = #inpatient
* group[0].element[3].target[0].code = #IMP
* group[0].element[3].target[0].equivalence = #equivalent
* group[0].element[4].code = #virtual-health-room
* group[0].element[4].target[0].code = #VR
* group[0].element[4].target[0].equivalence = #wider
* group[0].element[5].code = #home-hospital
* group[0].element[5].target[0].code = #HH
* group[0].element[5].target[0].equivalence = #wider

CodeSystem: DmsCareLevelCS
Id: dms-care-level
Title: "Responsible care level"
Description: "Which level of the Norwegian health service is responsible for (and pays for) a stay, a bed or a service at a DMS: the specialist health service (the health trust) or the municipality. Municipal acute beds (KAD, kommunal akutt døgnenhet; the service is 'kommunal øyeblikkelig hjelp døgnopphold', ØHD, IPLOS service type 9151 code 25) are a municipal service."
* ^status = #draft
* ^caseSensitive = true
* ^content = #complete
* ^hierarchyMeaning = #is-a
* #specialist "Spesialisthelsetjenesten" "The health trust (helseforetak) is responsible."
* #municipal "Kommunehelsetjenesten" "A municipality (or several, in an inter-municipal arrangement) is responsible."
  * #municipal-acute "Kommunal øyeblikkelig hjelp døgnopphold (KAD/ØHD)" "A municipal acute bed: the municipality's duty to offer acute 24-hour care (helse- og omsorgstjenesteloven § 3-5 third paragraph)."

ValueSet: DmsCareLevelVS
Id: dms-care-level
Title: "Responsible care levels"
Description: "Every responsible care level."
* ^status = #draft
* include codes from system DmsCareLevelCS

CodeSystem: DmsPriorityGroupCS
Id: helsefellesskap-priority-group
Title: "Helsefellesskap priority groups"
Description: "The four patient groups the health communities (helsefellesskap: a health trust and its municipalities) give priority to in their joint planning (Nasjonal helse- og sykehusplan 2020-2023)."
* ^status = #draft
* ^caseSensitive = true
* ^content = #complete
* #children-young "Barn og unge" "Children and young people."
* #mental-health-addiction "Personer med alvorlige psykiske lidelser og rusproblemer" "People with severe mental illness and substance-use problems."
* #frail-elderly "Skrøpelige eldre" "Frail elderly people."
* #multiple-chronic "Personer med flere kroniske lidelser" "People with several chronic conditions."

ValueSet: DmsPriorityGroupVS
Id: helsefellesskap-priority-group
Title: "Helsefellesskap priority groups"
Description: "Every helsefellesskap priority group."
* ^status = #draft
* include codes from system DmsPriorityGroupCS

CodeSystem: DmsTransferPlaceCS
Id: dms-transfer-place
Title: "Where a DMS patient comes from or goes to"
Description: "The place a patient is admitted from (Encounter.hospitalization.admitSource) or discharged to (dischargeDisposition). Volven 8408 (UtTil in PLO 'Melding om utskrevet pasient') carries the same information in the messages."
* ^status = #draft
* ^caseSensitive = true
* ^content = #complete
* #home "Hjem" "The patient's home, without municipal home services."
* #home-care "Hjem med hjemmetjenester" "The patient's home, with municipal home care (hjemmesykepleie, praktisk bistand)."
* #nursing-home "Sykehjem" "A municipal nursing home or other municipal institution with 24-hour care."
* #hospital "Sykehus" "A hospital (a health trust's somatic or psychiatric ward)."

ValueSet: DmsTransferPlaceVS
Id: dms-transfer-place
Title: "Where a DMS patient comes from or goes to"
Description: "Every transfer place."
* ^status = #draft
* include codes from system DmsTransferPlaceCS
