/**
 * FHIR XML over HTTP (https://hl7.org/fhir/R4/xml.html, http.html#mime-type): a resource written as XML is
 * stored as the same JSON a JSON client would send, read back in either format, and searches, history and
 * errors answer in XML when asked. The expected XML forms are the spec's own rules (value attributes,
 * Element.id and Extension.url as attributes, _name for primitive extensions, the div in the XHTML namespace).
 */
import t from 'tap';
import { fromXml } from '../../src/fhir/xml/from-xml.ts';
import { call, makeApp } from './helpers.ts';

const XML = 'application/fhir+xml';

const patientXml = `<?xml version="1.0" encoding="UTF-8"?>
<Patient xmlns="http://hl7.org/fhir">
  <!-- synthetic: a fødselsnummer from shared/no-basis/test-identifiers.csv -->
  <text>
    <status value="generated"/>
    <div xmlns="http://www.w3.org/1999/xhtml"><p>Åse <b>Ødegård</b> &amp; familie</p></div>
  </text>
  <identifier>
    <system value="urn:oid:2.16.578.1.12.4.1.4.1"/>
    <value value="01818000282"/>
  </identifier>
  <active value="true"/>
  <name id="n1">
    <family value="Ødegård"/>
    <given value="Åse"/>
    <given value="Marit">
      <extension url="http://example.org/fhir/StructureDefinition/calling-name">
        <valueBoolean value="true"/>
      </extension>
    </given>
  </name>
  <gender value="female"/>
  <birthDate value="1969-11-13">
    <extension url="http://hl7.org/fhir/StructureDefinition/patient-birthTime">
      <valueDateTime value="1969-11-13T08:15:00+01:00"/>
    </extension>
  </birthDate>
  <multipleBirthInteger value="2"/>
</Patient>`;

t.test('a Patient created as XML is stored as its JSON form (xml.html <-> json.html)', async (t) => {
  const app = await makeApp(t);
  const created = await app.inject({ method: 'POST', url: '/fhir/Patient', payload: patientXml, headers: { 'content-type': XML, accept: 'application/fhir+json' } });
  t.equal(created.statusCode, 201, created.body);
  const body = created.json();
  t.same(body.name, [{ id: 'n1', family: 'Ødegård', given: ['Åse', 'Marit'], _given: [null, { extension: [{ url: 'http://example.org/fhir/StructureDefinition/calling-name', valueBoolean: true }] }] }]);
  t.same(body._birthDate, { extension: [{ url: 'http://hl7.org/fhir/StructureDefinition/patient-birthTime', valueDateTime: '1969-11-13T08:15:00+01:00' }] });
  t.equal(body.active, true, 'boolean');
  t.equal(body.multipleBirthInteger, 2, 'integer');
  t.equal(body.text.div, '<div xmlns="http://www.w3.org/1999/xhtml"><p>Åse <b>Ødegård</b> &amp; familie</p></div>', 'the div as written');

  const asXml = await app.inject({ url: `/fhir/Patient/${body.id}`, headers: { accept: XML } });
  t.equal(asXml.statusCode, 200);
  t.match(asXml.headers['content-type'], /^application\/fhir\+xml/);
  t.match(asXml.body, /^<\?xml version="1.0" encoding="UTF-8"\?><Patient xmlns="http:\/\/hl7.org\/fhir"><id value="[^"]+"\/><meta><versionId value="1"\/>/);
  t.match(asXml.body, /<name id="n1"><family value="Ødegård"\/><given value="Åse"\/><given value="Marit"><extension url="http:\/\/example.org\/fhir\/StructureDefinition\/calling-name"><valueBoolean value="true"\/><\/extension><\/given><\/name>/);
  t.same(fromXml(asXml.body), body, 'the XML read back is the stored JSON');
});

t.test('_format=xml on search and history; _pretty indents', async (t) => {
  const app = await makeApp(t);
  const created = await app.inject({ method: 'POST', url: '/fhir/Patient', payload: patientXml, headers: { 'content-type': XML } });
  t.match(created.headers['content-type'], /^application\/fhir\+json/, 'no Accept: the answer is JSON');
  const id = created.json().id as string;
  const search = await call(app, { url: '/fhir/Patient?gender=female&_format=xml' });
  t.equal(search.statusCode, 200);
  t.match(search.body, /<Bundle xmlns="http:\/\/hl7.org\/fhir">/);
  const bundle = fromXml(search.body) as { entry: { resource: { id: string } }[] };
  t.same(bundle.entry.map((e) => e.resource.id), [id], 'the resource inside the Bundle entry');
  const history = await call(app, { url: `/fhir/Patient/${String(id)}/_history?_format=application/fhir%2Bxml&_pretty=true` });
  t.equal(history.statusCode, 200);
  t.match(history.body, /\n {2}<type value="history"\/>/, 'indented');
  t.match(history.body, /<div xmlns="http:\/\/www.w3.org\/1999\/xhtml"><p>Åse <b>Ødegård<\/b> &amp; familie<\/p><\/div>/, 'the div kept as it is');
});

t.test('strings with line breaks and markup survive the round trip (attribute escaping, XML 1.0 §3.3.3)', async (t) => {
  const app = await makeApp(t);
  const text = 'linje 1\nlinje 2\t"sitat" <b>&';
  const created = await call(app, { method: 'POST', url: '/fhir/Patient', body: { resourceType: 'Patient', name: [{ text }] } });
  const read = await app.inject({ url: `/fhir/Patient/${created.json().id}`, headers: { accept: XML } });
  t.match(read.body, /<text value="linje 1&#xA;linje 2&#x9;&quot;sitat&quot; &lt;b&gt;&amp;"\/>/);
  const back = await app.inject({ method: 'PUT', url: `/fhir/Patient/${created.json().id}`, payload: read.body, headers: { 'content-type': XML, accept: 'application/fhir+json' } });
  t.equal(back.statusCode, 200, back.body);
  t.equal(back.json().name[0].text, text);
});

t.test('a transaction Bundle in XML', async (t) => {
  const app = await makeApp(t);
  const tx = `<Bundle xmlns="http://hl7.org/fhir"><type value="transaction"/>
    <entry><fullUrl value="urn:uuid:3f0c1a52-8c2d-4b4e-9f0a-1a2b3c4d5e6f"/><resource><Patient><active value="true"/></Patient></resource>
      <request><method value="POST"/><url value="Patient"/></request></entry>
    <entry><resource><Observation><status value="final"/><code><text value="Puls"/></code>
      <subject><reference value="urn:uuid:3f0c1a52-8c2d-4b4e-9f0a-1a2b3c4d5e6f"/></subject><valueQuantity><value value="72"/><unit value="/min"/></valueQuantity></Observation></resource>
      <request><method value="POST"/><url value="Observation"/></request></entry></Bundle>`;
  const res = await app.inject({ method: 'POST', url: '/fhir', payload: tx, headers: { 'content-type': XML, accept: XML } });
  t.equal(res.statusCode, 200, res.body);
  const out = fromXml(res.body) as { type: string; entry: { response: { status: string; location: string } }[] };
  t.equal(out.type, 'transaction-response');
  t.same(out.entry.map((e) => e.response.status.slice(0, 3)), ['201', '201']);
  const local = (location: string): string => location.replace('http://test/fhir/', '').split('/_history')[0];
  const obs = await call(app, { url: `/fhir/${local(out.entry[1].response.location)}` });
  t.equal(obs.json().subject.reference, local(out.entry[0].response.location), 'the urn:uuid rewritten');
  t.equal(obs.json().valueQuantity.value, 72);
});

t.test('the CapabilityStatement lists both formats', async (t) => {
  const app = await makeApp(t);
  const res = await call(app, { url: '/fhir/metadata' });
  t.same(res.json().format, ['application/fhir+json', 'json', 'application/fhir+xml', 'xml']);
});
