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

  it.each([
    ['NO_HEALTHY_INSTANCE', { service: 'product-service' }, 'Dependency product-service has no healthy instance'],
    ['UPSTREAM_CONNECTION', { service: 'product-service' }, 'Dependency product-service could not be reached'],
    [
      'UPSTREAM_STATUS',
      { service: 'inventory-service', status: 502 },
      'Dependency inventory-service answered with a server error',
    ],
    ['CIRCUIT_OPEN', { policy: 'inventory-service' }, 'Dependency inventory-service is failing (circuit open)'],
    ['TIMEOUT', {}, 'A dependency did not answer in time'],
    [
      'BULKHEAD_FULL',
      { policy: 'inventory-service' },
      'Dependency inventory-service is saturated (too many calls in flight)',
    ],
  ])('maps %s to 503 with a detail naming the dependency', (code, extra, detail) => {
    expect(toProblem(coded(code, extra))).toMatchObject({ status: 503, title: 'Service Unavailable', detail });
  });

  it('prefers the dependency a policy tagged the error with', () => {
    const error = tagDependency(coded('TIMEOUT'), 'order-service');
    expect(toProblem(error).detail).toBe('Dependency order-service did not answer in time');
  });

  it.each([
    ['a refused connection', coded('ECONNREFUSED')],
    ['a connection exception (SQLSTATE 08006)', coded('08006')],
    ['the server shutting down (57P01)', coded('57P01')],
    ['a pool that cannot connect in time', new Error('timeout exceeded when trying to connect')],
    ['a connection lost mid-query', new Error('Connection terminated unexpectedly')],
  ])('answers 503 when the own database is unavailable: %s', (_what, error) => {
    expect(toProblem(error)).toMatchObject({ status: 503, detail: 'The service database is unavailable' });
  });

  it('answers anything else with a bare 500', () => {
    for (const error of [
      new Error('secret detail'),
      coded('23502'),
      coded('EACCES'),
      'a string',
      null,
      coded('UPSTREAM_STATUS', { status: 404 }),
    ]) {
      const problem = toProblem(error);
      expect({ status: problem.status, title: problem.title, detail: problem.detail }).toEqual({
        status: 500,
        title: 'Internal Server Error',
        detail: undefined,
      });
    }
  });
});
