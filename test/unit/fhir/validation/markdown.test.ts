/**
 * HTML in markdown (src/fhir/validation/markdown.ts; datatypes.html#markdown, FHIR-38714): markdown elements are
 * found by their type in the R4 definitions (Annotation.text, a valueMarkdown, Questionnaire nested items by
 * contentReference), and an embedded tag is a warning, or an error in the Java validator's noHtmlInMarkdown mode.
 */
import t from 'tap';
import { definitionsWith } from '../../../../src/fhir/validation/definitions.ts';
import { checkMarkdown, embeddedHtmlAt } from '../../../../src/fhir/validation/markdown.ts';

const defs = definitionsWith();
const seen = (r: Record<string, unknown>, html?: 'error' | 'warning' | 'ignore') =>
  checkMarkdown(r, defs, html ? { html } : {}).map((i) => `${i.severity} ${i.expression}`);
const communication = (text: string) => ({ resourceType: 'Communication', status: 'completed', note: [{ text }] });

t.test('what counts as an embedded tag', async (t) => {
  t.equal(embeddedHtmlAt('see <b>this</b>'), 4, 'an opening tag');
  t.equal(embeddedHtmlAt('end</p>'), 3, 'a closing tag');
  t.equal(embeddedHtmlAt('a <!-- comment -->'), 2, 'a comment');
  t.equal(embeddedHtmlAt('1 < 2 and 3 <= 4'), -1, 'a less-than sign is text');
  t.equal(embeddedHtmlAt('the `<id>` part'), -1, 'inside a code span markdown shows it literally');
  t.equal(embeddedHtmlAt('```\n<div>\n```\nafter'), -1, 'inside a fenced code block too');
  t.equal(embeddedHtmlAt('**bold** and _em_'), -1, 'markdown itself is no HTML');
});

t.test('Annotation.text is markdown: a warning by default, an error in no-HTML mode, nothing when ignored', async (t) => {
  t.same(seen(communication('Plain **markdown**')), []);
  t.same(seen(communication('<resource type>/<id>')), ['warning Communication.note[0].text']);
  t.same(seen(communication('<resource type>/<id>'), 'error'), ['error Communication.note[0].text']);
  t.same(seen(communication('<resource type>/<id>'), 'ignore'), []);
  t.match(checkMarkdown(communication('x <r>'), defs, { html: 'error' })[0].message, /embedded HTML tag starting at '<r'/);
});

t.test('a string element is not markdown, a valueMarkdown is, nested items and contained resources are reached', async (t) => {
  // Patient.name.text is a string: HTML-looking text there is no markdown question
  t.same(seen({ resourceType: 'Patient', name: [{ text: '<b>Kari</b>' }] }), []);
  t.same(seen({
    resourceType: 'Questionnaire', status: 'draft',
    item: [{ linkId: 'g', type: 'group', item: [{ linkId: 'q', type: 'string', extension: [{ url: 'http://helsebro.test/x', valueMarkdown: '<i>hint</i>' }] }] }],
    contained: [{ resourceType: 'ValueSet', status: 'draft', description: 'Codes <em>we</em> use' }],
  }), ['warning Questionnaire.item[0].item[0].extension[0].valueMarkdown', 'warning Questionnaire.contained[0].description']);
});
