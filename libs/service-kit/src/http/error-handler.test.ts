import { tagDependency } from './dependency-errors';
import { toProblem } from './error-handler';
import { Conflict, ValidationProblem } from './problem';

function coded(code: string, extra: Record<string, unknown> = {}): Error {
  return Object.assign(new Error(`failure ${code}`), { code }, extra);
}

describe('toProblem', () => {
  it('keeps an HttpProblem as it is', () => {
    const conflict = new Conflict('taken', { errors: [{ field: 'body.sku', message: 'taken' }] });
    expect(toProblem(conflict)).toBe(conflict);
    expect(toProblem(new ValidationProblem([{ field: 'query.page', message: 'bad' }])).status).toBe(400);
  });

  it("maps body-parser's errors to 413 and 400", () => {
    expect(toProblem(Object.assign(new Error('too big'), { type: 'entity.too.large' })).status).toBe(413);
    expect(toProblem(Object.assign(new Error('bad json'), { type: 'entity.parse.failed' }))).toMatchObject({
      status: 400,
      detail: 'Malformed JSON body',
    });
    expect(toProblem(Object.assign(new Error('gzip?'), { type: 'encoding.unsupported' })).status).toBe(400);
  });

  it.each([
    ['NO_HEALTHY_INSTANCE', { service: 'product-service' }, 'Dependency product-service has no healthy instance'],
    ['UPSTREAM_CONNECTION', { service: 'product-service' }, 'Dependency product-service could not be reached'],
    ['UPSTREAM_STATUS', { service: 'inventory-service', status: 502 }, 'Dependency inventory-service answered with a server error'],
    ['CIRCUIT_OPEN', { policy: 'inventory-service' }, 'Dependency inventory-service is failing (circuit open)'],
    ['TIMEOUT', {}, 'A dependency did not answer in time'],
  ])('maps %s to 503 with a detail naming the dependency', (code, extra, detail) => {
    expect(toProblem(coded(code, extra))).toMatchObject({ status: 503, title: 'Service Unavailable', detail });
  });

  it('prefers the dependency a policy tagged the error with', () => {
    const error = tagDependency(coded('TIMEOUT'), 'order-service');
    expect(toProblem(error).detail).toBe('Dependency order-service did not answer in time');
  });

  it('answers anything else with a bare 500', () => {
    for (const error of [new Error('secret detail'), coded('ECONNRESET'), 'a string', null, coded('UPSTREAM_STATUS', { status: 404 })]) {
      const problem = toProblem(error);
      expect({ status: problem.status, title: problem.title, detail: problem.detail }).toEqual({
        status: 500,
        title: 'Internal Server Error',
        detail: undefined,
      });
    }
  });
});
