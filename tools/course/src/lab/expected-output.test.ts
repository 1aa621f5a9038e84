import { compileExpectedOutput, ExpectationSyntaxError, matchOutput, outputLines } from './expected-output';

const match = (expected: string, actual: string) => matchOutput(compileExpectedOutput(expected), actual);

describe('expected output', () => {
  it('compares line by line, ignoring trailing spaces, carriage returns and trailing empty lines', () => {
    expect(match('a\nb\n', 'a  \r\nb\n\n\n')).toEqual({ ok: true });
    expect(match('a\nb', 'a\nc')).toEqual({
      ok: false,
      expectedLine: 2,
      expectedText: 'b',
      actualLine: 2,
      actualText: 'c',
    });
  });

  it('reports missing and extra output', () => {
    expect(match('a\nb', 'a')).toMatchObject({ ok: false, expectedLine: 2, actualLine: 2, actualText: undefined });
    expect(match('a', 'a\nextra')).toMatchObject({ ok: false, expectedLine: 2, actualLine: 2, actualText: 'extra' });
  });

  it('matches any number of lines with ..., none included', () => {
    expect(match('start\n...\nend', 'start\nx\ny\nend')).toEqual({ ok: true });
    expect(match('start\n...\nend', 'start\nend')).toEqual({ ok: true });
    expect(match('...\nend', 'a\nb\nend')).toEqual({ ok: true });
    expect(match('start\n...', 'start')).toEqual({ ok: true });
    expect(match('start\n...\nend', 'start\nx\nfinish')).toMatchObject({
      ok: false,
      expectedLine: 3,
      expectedText: 'end',
    });
  });

  it('matches placeholders inside a line, and nothing else', () => {
    const expected = '{"ID":"{{word}}","Port":{{int}},"Index":{{int}}}\nid {{uuid}} at {{time}}: {{...}}';
    const actual =
      '{"ID":"payments-1","Port":9101,"Index":17}\nid 0b7e1c3a-5f1d-4c4e-9a57-1f2d3c4b5a69 at 2025-01-02T03:04:05.678Z: done';
    expect(match(expected, actual)).toEqual({ ok: true });
    expect(match('Port {{int}}', 'Port 9101x')).toMatchObject({ ok: false });
    // Regex characters in the literal text are literal.
    expect(match('a.b (c)', 'axb (c)')).toMatchObject({ ok: false });
    expect(match('a.b (c)', 'a.b (c)')).toEqual({ ok: true });
  });

  it('takes a regular expression in {{/.../}}', () => {
    expect(match('status: {{/passing|warning/}}', 'status: warning')).toEqual({ ok: true });
    expect(match('status: {{/passing|warning/}}', 'status: critical')).toMatchObject({ ok: false });
  });

  it('refuses an unknown placeholder or an unclosed one, naming the line', () => {
    expect(() => compileExpectedOutput('ok\n{{port}}')).toThrow(ExpectationSyntaxError);
    expect(() => compileExpectedOutput('ok\n{{port}}')).toThrow(/line 2: unknown placeholder \{\{port\}\}/);
    expect(() => compileExpectedOutput('{{int')).toThrow(/line 1: \{\{ has no closing \}\}/);
    expect(() => compileExpectedOutput('{{/(/}}')).toThrow(/line 1: \{\{\/\(\/\}\}/);
  });

  it('outputLines drops only what does not show', () => {
    expect(outputLines('\n a \r\n\n')).toEqual(['', ' a']);
  });
});
