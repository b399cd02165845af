// Terminology for the DMS service catalogue, its locations, its organisations and referrals.

CodeSystem: DmsServiceCS
Id: dms-service
Title: "DMS service catalogue"
Description: "The services a district medical centre offers (HealthcareService.type, Schedule/Slot/Appointment.serviceType, ServiceRequest.code). Parents group the services of one clinic."
* ^status = #draft
* ^caseSensitive = true
* ^content = #complete
* ^hierarchyMeaning = #is-a
* #heart-clinic "Hjertepoliklinikk" "Cardiology outpatient clinic."
  * #ecg "EKG" "Electrocardiography, resting and exercise."
  * #echocardiography "Ekkokardiografi" "Cardiac ultrasound."
  * #pacemaker-control "Pacemakerkontroll" "Pacemaker and ICD follow-up."
* #imaging "Bildediagnostikk" "Medical imaging."
  * #x-ray "Røntgen" "Conventional X-ray."
  * #ultrasound "Ultralyd" "Ultrasound examination."
  * #ct "CT" "Computed tomography."
* #dialysis "Dialyse" "Haemodialysis."
* #chemotherapy-infusion "Cellegift og infusjonsbehandling" "Chemotherapy and other infusion treatment."
* #gynaecology "Gynekologi" "Gynaecology outpatient clinic."
* #ent "Øre-nese-hals" "Ear, nose and throat outpatient clinic."
  * #audiometry "Audiometri" "Hearing test."
* #neurology "Nevrologi" "Neurology outpatient clinic."
* #orthopaedics "Ortopedi" "Orthopaedic outpatient clinic."
* #day-surgery "Dagkirurgi" "Day surgery."
* #dermatology-light-therapy "Lysbehandling (hudsykdommer)" "Phototherapy for skin disease."
* #intermediate-beds "Intermediære senger" "Intermediate beds: step-down care after a hospital stay, or instead of one."
* #municipal-acute-beds "Kommunale akutte døgnplasser (KAD)" "Municipal acute beds (kommunal øyeblikkelig hjelp døgnopphold, IPLOS 9151 code 25)."

ValueSet: DmsServiceVS
Id: dms-service
Title: "DMS service catalogue"
Description: "Every service of the DMS service catalogue."
* ^status = #draft
* include codes from system DmsServiceCS

CodeSystem: DmsServiceCharacteristicCS
Id: dms-service-characteristic
Title: "DMS service characteristics"
Description: "How a DMS service can be delivered at a distance (HealthcareService.characteristic)."
* ^status = #draft
* ^caseSensitive = true
* ^content = #complete
* #video-consultation "Videokonsultasjon" "The service is offered as a video consultation."
* #remote-guided-examination "Fjernveiledet undersøkelse" "A specialist at the hospital guides an examination done at the DMS (e.g. ultrasound, ECG)."
* #local-health-room "Fra lokalt helserom" "The patient can take part from a local health room in the municipality."

ValueSet: DmsServiceCharacteristicVS
Id: dms-service-characteristic
Title: "DMS service characteristics"
Description: "Every DMS service characteristic."
* ^status = #draft
* include codes from system DmsServiceCharacteristicCS

CodeSystem: DmsLocationKindCS
Id: dms-location-kind
Title: "Kinds of DMS locations"
Description: "What a location at a DMS is for (Location.type); its physical form is Location.physicalType."
* ^status = #draft
* ^caseSensitive = true
* ^content = #complete
* #site "DMS" "The district medical centre as a whole (one address)."
* #ward "Avdeling" "A ward or unit within the DMS (e.g. the intermediate unit)."
* #patient-room "Pasientrom" "A patient room with one or more beds."
* #bed "Seng" "A bed."
* #dialysis-station "Dialyseplass" "A haemodialysis station."
* #infusion-place "Infusjonsplass" "A chair or bed for chemotherapy or other infusions."
* #examination-room "Undersøkelsesrom" "An examination or consultation room."
* #operating-room "Operasjonsstue" "An operating room for day surgery."
* #local-health-room "Lokalt helserom" "A room for video consultations in a municipality, away from the DMS."

ValueSet: DmsLocationKindVS
Id: dms-location-kind
Title: "Kinds of DMS locations"
Description: "Every kind of DMS location."
* ^status = #draft
* include codes from system DmsLocationKindCS

ValueSet: DmsLocationPhysicalTypeVS
Id: dms-location-physical-type
Title: "Physical types of DMS locations"
Description: "The R4 location physical types a DMS location can have."
* ^status = #draft
* $LocPhys#si "Site"
* $LocPhys#bu "Building"
* $LocPhys#wi "Wing"
* $LocPhys#wa "Ward"
* $LocPhys#lvl "Level"
* $LocPhys#ro "Room"
* $LocPhys#bd "Bed"
* $LocPhys#area "Area"

CodeSystem: DmsReferralKindCS
Id: dms-referral-kind
Title: "Kinds of referral between care levels"
Description: "The kind of request a ServiceRequest is (ServiceRequest.category)."
* ^status = #draft
* ^caseSensitive = true
* ^content = #complete
* #gp-referral "Henvisning" "A referral from a GP (fastlege) or another physician to a DMS or a hospital (the Henvisning message)."
* #municipal-services-request "Anmodning om kommunale tjenester" "A hospital's request to a municipality for health and care services after discharge (PLO Helseopplysninger ved søknad)."
* #patient-initiated-follow-up "Pasientinitiert oppfølging" "Patient-initiated follow-up (PIO): instead of fixed check-ups the patient contacts the service when needed, within an agreed period."

ValueSet: DmsReferralKindVS
Id: dms-referral-kind
Title: "Kinds of referral between care levels"
Description: "Every kind of referral."
* ^status = #draft
* include codes from system DmsReferralKindCS

CodeSystem: DmsOrganizationRoleCS
Id: dms-organization-role
Title: "Roles of organisations around a DMS"
Description: "What an organisation is in the DMS exchange (Organization.type). The national classification of organisational level (Volven 8628) and designation (8624) go beside it."
* ^status = #draft
* ^caseSensitive = true
* ^content = #complete
* #health-trust "Helseforetak" "A health trust or one of its hospitals."
* #municipality "Kommune" "A municipality."
* #dms "Distriktsmedisinsk senter" "A district medical centre."
* #gp-office "Legekontor" "A GP office (fastlegekontor)."
* #home-care "Hjemmetjeneste" "A municipal home care service."
* #nursing-home "Sykehjem" "A nursing home."

ValueSet: DmsOrganizationRoleVS
Id: dms-organization-role
Title: "Roles of organisations around a DMS"
Description: "Every organisation role."
* ^status = #draft
* include codes from system DmsOrganizationRoleCS
