// A synthetic coastal DMS (Kystby DMS) run by a synthetic health trust (Helse Kyst HF), with its municipality,
// a GP office and one patient. Every number is synthetic: the fødselsnummer and D-nummer are Test-Norge
// numbers (month +80) from ../shared/no-basis/test-identifiers.csv; the organisasjonsnumre were generated with
// a valid check digit in the 999 range; HPR-numre and HER-ids are made up.

Instance: helse-kyst-hf
InstanceOf: DmsOrganization
Title: "Helse Kyst HF (synthetic health trust)"
Usage: #example
* identifier[ENH].system = $ENH
* identifier[ENH].value = "999000002"
* identifier[RSH].system = $RESH
* identifier[RSH].value = "4209901"
* active = true
* type[dmsRole] = https://helsebro.no/fhir/CodeSystem/dms-organization-role#health-trust "Helseforetak"
* name = "Helse Kyst HF"

Instance: kystby-dms
InstanceOf: DmsOrganization
Title: "Kystby DMS (a unit of the health trust)"
Usage: #example
* identifier[ENH].system = $ENH
* identifier[ENH].value = "999033334"
* active = true
* type[dmsRole] = https://helsebro.no/fhir/CodeSystem/dms-organization-role#dms "Distriktsmedisinsk senter"
* name = "Kystby distriktsmedisinske senter"
* partOf = Reference(helse-kyst-hf)

Instance: kystby-kommune
InstanceOf: DmsOrganization
Title: "Kystby kommune (synthetic municipality)"
Usage: #example
* identifier[ENH].system = $ENH
* identifier[ENH].value = "999022227"
* active = true
* type[dmsRole] = https://helsebro.no/fhir/CodeSystem/dms-organization-role#municipality "Kommune"
* name = "Kystby kommune"

Instance: havbakken-legekontor
InstanceOf: DmsOrganization
Title: "Havbakken legekontor (synthetic GP office)"
Usage: #example
* identifier[ENH].system = $ENH
* identifier[ENH].value = "999044441"
* active = true
* type[dmsRole] = https://helsebro.no/fhir/CodeSystem/dms-organization-role#gp-office "Legekontor"
* name = "Havbakken legekontor"

// no-basis-Organization.endpoint: an endpoint registered in the Adresseregister (a HER-id communication party)
// is not referenced from Organization.endpoint; the Endpoint names its organisation in managingOrganization.
Instance: kystby-dms-endpoint
InstanceOf: DmsEndpoint
Title: "The DMS's communication party (HER-id)"
Usage: #example
* identifier[HER].system = $HER
* identifier[HER].value = "8099902"
* status = #active
* connectionType = $NoConnType#no-amqp
* managingOrganization = Reference(kystby-dms)
* payloadType = http://terminology.hl7.org/CodeSystem/endpoint-payload-type#any
* address = "https://edi.example.invalid/herid/8099902"

Instance: lege-kari-fjell-endpoint
InstanceOf: DmsEndpoint
Title: "The GP's communication party (HER-id: fastleger are addressed as persons)"
Usage: #example
* identifier[HER].system = $HER
* identifier[HER].value = "8099901"
* status = #active
* connectionType = $NoConnType#no-amqp
* managingOrganization = Reference(havbakken-legekontor)
* payloadType = http://terminology.hl7.org/CodeSystem/endpoint-payload-type#any
* address = "https://edi.example.invalid/herid/8099901"

Instance: lege-kari-fjell
InstanceOf: DmsPractitioner
Title: "Kari Fjell, GP (synthetic)"
Usage: #example
* identifier[HPR].system = $HPR
* identifier[HPR].value = "9900001"
* active = true
* name.family = "Fjell"
* name.given = "Kari"
* qualification.code.coding[healthPersonnellCategory] = $V9060#LE "Lege"

Instance: lege-per-strand
InstanceOf: DmsPractitioner
Title: "Per Strand, physician at the DMS (synthetic)"
Usage: #example
* identifier[HPR].system = $HPR
* identifier[HPR].value = "9900002"
* active = true
* name.family = "Strand"
* name.given = "Per"

Instance: lege-kari-fjell-fastlege
InstanceOf: DmsPractitionerRole
Title: "Kari Fjell as GP at Havbakken legekontor"
Usage: #example
* identifier[HER].system = $HER
* identifier[HER].value = "8099901"
* active = true
* practitioner = Reference(lege-kari-fjell)
* organization = Reference(havbakken-legekontor)
* endpoint = Reference(lege-kari-fjell-endpoint)

Instance: lege-per-strand-dms
InstanceOf: DmsPractitionerRole
Title: "Per Strand as physician at Kystby DMS"
Usage: #example
* active = true
* practitioner = Reference(lege-per-strand)
* organization = Reference(kystby-dms)

Instance: pasient-ola-testesen
InstanceOf: DmsPatient
Title: "Ola Testesen (synthetic, fødselsnummer +80)"
Usage: #example
* identifier[FNR].system = $FNR
* identifier[FNR].value = "10915596784"
* active = true
* name.family = "Testesen"
* name.given = "Ola"
* gender = #male
* birthDate = "1955-11-10"
* address.line = "Fjordveien 1"
* address.postalCode = "9999"
* address.city = "Kystby"
* generalPractitioner = Reference(lege-kari-fjell-fastlege)

Instance: pasient-dag-dnummer
InstanceOf: DmsPatient
Title: "Dag Dnummersen (synthetic D-nummer +80)"
Usage: #example
* identifier[DNR].system = $DNR
* identifier[DNR].value = "41819077302"
* name.family = "Dnummersen"
* name.given = "Dag"
* gender = #male
* birthDate = "1990-01-01"
