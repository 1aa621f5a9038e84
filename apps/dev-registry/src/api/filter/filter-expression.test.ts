import { FilterSyntaxError, compileFilter } from './filter-expression';

const entry = (id: string, tags: string[], meta: Record<string, string>, statuses: string[]) => ({
  Service: { ID: id, Port: 8080, Tags: tags, Meta: meta, EnableTagOverride: false },
  Checks: statuses.map((Status, i) => ({ CheckID: `c${i}`, Status })),
});

const items = [
  entry('web-1', ['blue', 'v1'], { version: '1', zone: 'a' }, ['passing', 'passing']),
  entry('web-2', ['green'], { version: '2' }, ['passing', 'critical']),
  entry('api-1', [], {}, ['warning']),
];

const ids = (expression: string): string[] => items.filter(compileFilter(expression)).map((e) => e.Service.ID);

describe('compileFilter', () => {
  it.each([
    ['Service.ID == "web-1"', ['web-1']],
    ['Service.ID == `web-1`', ['web-1']],
    ['Service.ID != web-1', ['web-2', 'api-1']],
    ['Service.Port == 8080', ['web-1', 'web-2', 'api-1']],
    ['Service.EnableTagOverride == false', ['web-1', 'web-2', 'api-1']],
    ['Service.Meta.version == "2"', ['web-2']],
    ['Service.Meta.version != "2"', ['web-1', 'api-1']],
    ['"blue" in Service.Tags', ['web-1']],
    ['"blue" not in Service.Tags', ['web-2', 'api-1']],
    ['Service.Tags contains "green"', ['web-2']],
    ['Service.Tags not contains green', ['web-1', 'api-1']],
    ['"zone" in Service.Meta', ['web-1']],
    ['Service.Tags is empty', ['api-1']],
    ['Service.Meta is not empty', ['web-1', 'web-2']],
    ['Service.Meta.missing is empty', ['web-1', 'web-2', 'api-1']],
    ['Service.ID matches "^web-"', ['web-1', 'web-2']],
    ['Service.ID not matches "^web-"', ['api-1']],
    ['"web" in Service.ID', ['web-1', 'web-2']],
    ['Checks.Status == critical', ['web-2']],
    ['Checks.Status != critical and Checks.Status != warning', ['web-1']],
    ['Service.Meta.version == "1" or Service.Tags is empty', ['web-1', 'api-1']],
    ['not Service.Tags is empty and not "green" in Service.Tags', ['web-1']],
    ['not (Service.ID == "web-1" or Service.ID == "web-2")', ['api-1']],
    ['Service.ID == "web-1" or Service.ID == "web-2" and Service.Meta.version == "1"', ['web-1']],
  ])('%s', (expression, expected) => {
    expect(ids(expression)).toEqual(expected);
  });

  it.each([
    [''],
    ['Service.ID =='],
    ['Service.ID = "x"'],
    ['Service.ID == "x'],
    ['(Service.ID == "x"'],
    ['Service.ID is full'],
    ['Service.ID matches "("'],
    ['"x" in'],
    ['Service.ID == "a" "b"'],
    ['Service.ID ~ "a"'],
  ])('refuses %p', (expression) => {
    expect(() => compileFilter(expression)).toThrow(FilterSyntaxError);
  });
});
