/**
 * Narrative rules txt-1 and txt-2 (src/fhir/validation/narrative.ts; narrative.html#rules).
 */
import t from 'tap';
import { checkNarratives } from '../../../../src/fhir/validation/narrative.ts';

const x = (inner: string) => `<div xmlns="http://www.w3.org/1999/xhtml">${inner}</div>`;
const check = (div: string) => checkNarratives({ resourceType: 'Patient', text: { status: 'generated', div } }, 'Patient').map((f) => `${f.details.expression}: ${f.details.detail}`);

t.test('plain formatting passes', async (t) => {
  t.same(check(x('<p>Åse <b>Ødegård</b>, <a href="https://helsebro.test">lenke</a></p><table><tr><td>1</td></tr></table>')), []);
  t.same(check(x('<img src="#bilde" alt="skanning"/>')), [], 'an image is content');
});

t.test('txt-1: scripts, forms, frames and event attributes', async (t) => {
  t.same(check(x('<p>Hei</p><script>alert(1)</script>')), ['Patient.text.div: txt-1: the narrative contains <script>, which narrative.html does not allow']);
  t.same(check(x('<p onclick="steal()">Hei</p>')), ['Patient.text.div: txt-1: the narrative has event attributes (onclick)']);
  t.same(check(x('<a href="javascript:steal()">Hei</a>')), ['Patient.text.div: txt-1: the narrative links to javascript:']);
});

t.test('txt-2: some non-whitespace content', async (t) => {
  t.same(check(x('  <p> </p> ')), ['Patient.text.div: txt-2: the narrative SHALL have some non-whitespace content']);
});

t.test('contained resources are checked with their path', async (t) => {
  const r = { resourceType: 'Patient', contained: [{ resourceType: 'Practitioner', id: 'a', text: { status: 'generated', div: x('<iframe src="x"></iframe>') } }] };
  t.match(checkNarratives(r, 'Patient').map((f) => f.details.expression), ['Patient.contained[0].text.div']);
});
