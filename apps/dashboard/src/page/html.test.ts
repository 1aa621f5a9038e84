import { html, raw } from './html';

describe('html``', () => {
  it('escapes every value that is not markup already', () => {
    const output = '<script>alert("x")</script> & \'more\'';
    const row = html`<td title="${output}">${output}</td>`;
    expect(row.text).toBe(
      '<td title="&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;more&#39;">&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;more&#39;</td>',
    );
  });

  it('nests markup, joins arrays and leaves out undefined, null and false', () => {
    const items = ['a<b', 'c'].map((x) => html`<li>${x}</li>`);
    // prettier-ignore
    const list = html`<ul>${items}</ul>${undefined}${null}${false}${0}${raw('<hr>')}`;
    expect(list.text).toBe('<ul><li>a&lt;b</li><li>c</li></ul>0<hr>');
  });
});
