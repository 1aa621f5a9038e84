import { bodyReadProblem, jsonSyntaxMessage } from './json-body';

const noEncoding = { headers: {} };
const failure = (type?: string, message = 'failed') => Object.assign(new Error(message), type ? { type } : {});

describe('bodyReadProblem', () => {
  it("maps body-parser's errors to 413, 400 and 415", () => {
    expect(bodyReadProblem(failure('entity.too.large'), noEncoding).status).toBe(413);
    expect(bodyReadProblem(failure('entity.parse.failed', 'Unexpected end of JSON input'), noEncoding)).toMatchObject({
      status: 400,
      detail: 'Malformed JSON body',
      errors: [{ field: 'body', message: 'Unexpected end of JSON input' }],
    });
    expect(bodyReadProblem(failure('encoding.unsupported'), { headers: { 'content-encoding': 'zip' } })).toMatchObject({
      status: 415,
      errors: [{ field: 'headers.content-encoding', message: 'is not supported' }],
    });
    expect(bodyReadProblem(failure('charset.unsupported'), noEncoding)).toMatchObject({
      status: 415,
      errors: [{ field: 'headers.content-type', message: 'charset is not supported' }],
    });
  });

  it('answers 400 naming the encoding when the stream does not decompress (zlib errors have no type)', () => {
    const zlib = Object.assign(new Error('incorrect header check'), { code: 'Z_DATA_ERROR', status: 400 });
    expect(bodyReadProblem(zlib, { headers: { 'content-encoding': 'gzip' } })).toMatchObject({
      status: 400,
      detail: 'The request body is not valid gzip data',
      errors: [{ field: 'headers.content-encoding', message: 'the body does not decode as gzip' }],
    });
  });

  it('answers a plain 400 for any other failure to read the body', () => {
    expect(bodyReadProblem(failure('request.aborted'), noEncoding)).toMatchObject({
      status: 400,
      detail: 'The request body could not be read',
    });
  });
});

describe('jsonSyntaxMessage', () => {
  it('names the JSON syntax error without quoting the body back', () => {
    let thrown: unknown;
    try {
      JSON.parse('password=hunter2');
    } catch (error) {
      thrown = error;
    }
    const message = jsonSyntaxMessage(thrown);
    expect(message).toMatch(/^Unexpected token/);
    expect(message).not.toContain('hunter2');
    expect(jsonSyntaxMessage(new Error("Expected property name or '}' in JSON at position 1 (line 1 column 2)"))).toBe(
      "Expected property name or '}' in JSON at position 1 (line 1 column 2)",
    );
    expect(jsonSyntaxMessage(new Error('"'))).toBe('is not valid JSON');
  });
});
