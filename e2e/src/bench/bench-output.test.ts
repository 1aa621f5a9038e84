import { benchCommands, markdownTables, tableProblems } from './bench-output';

const printed = `
Some heading line

| target | requests/s | p50 ms | failed |
| --- | ---: | ---: | ---: |
| direct | 723 | 2.00 | 0 |
| gateway / direct | 0.93x | +1.00 | |

| backend | how | lost | p50 ms |
| --- | --- | ---: | ---: |
| consul | watch | 0 | - |
| etcd | watch | 2 | 4.1 |
| zookeeper | watch | 0 | n/a |
| eureka | watch | | |
`;

describe('reading a benchmark table back', () => {
  const [cost, propagation] = markdownTables(printed);

  it('finds each table with its header and which columns hold figures', () => {
    expect(cost.header).toEqual(['target', 'requests/s', 'p50 ms', 'failed']);
    expect(cost.figures).toEqual([false, true, true, true]);
    expect(cost.rows).toEqual([
      ['direct', '723', '2.00', '0'],
      ['gateway / direct', '0.93x', '+1.00', ''],
    ]);
    expect(propagation.header[1]).toBe('how');
  });

  it('passes figures, signed values, ratios and the empty cells of ratio rows', () => {
    expect(tableProblems(cost)).toEqual([]);
  });

  it('names every cell that is not a number, every failure count above 0, and a row without figures', () => {
    expect(tableProblems(propagation)).toEqual([
      'consul: p50 ms is "-", not a number',
      'etcd: lost is 2',
      'zookeeper: p50 ms is "n/a", not a number',
      'eureka: no figures',
    ]);
  });

  it('names a table without rows, and a row whose cells do not match the columns', () => {
    const [empty, short] = markdownTables('| a | b |\n| --- | ---: |\n\n| a | b |\n| --- | ---: |\n| x |\n');
    expect(tableProblems(empty)).toEqual(['no rows']);
    expect(tableProblems(short)).toEqual(['x: 1 cells under 2 columns']);
  });
});

describe('the benchmark commands a document names', () => {
  it('reads node and npm forms, inline and in blocks, joining continued lines and stopping at comments and redirections', () => {
    const markdown = [
      'Per-call cost, `node bench/discovery/run.mjs --convergence 0 --load-sizes ""` (defaults)',
      '```sh',
      'node bench/gateway/run.mjs --duration 5 --rates 500,1000 \\',
      "  --redis 'redis://127.0.0.1:6379'",
      'node bench/config/run.mjs                      # --stores 5 --writes 50',
      'npm run bench:gateway -- --duration 5 --rounds 5',
      '```',
      'so `npm run bench:gateway > result.md` keeps the table; `node bench/resilience/run.mjs > result.md` too',
    ].join('\n');
    expect(benchCommands(markdown).map(({ bench, args, viaNpm }) => ({ bench, args, viaNpm }))).toEqual([
      { bench: 'discovery', args: ['--convergence', '0', '--load-sizes', ''], viaNpm: false },
      {
        bench: 'gateway',
        args: ['--duration', '5', '--rates', '500,1000', '--redis', 'redis://127.0.0.1:6379'],
        viaNpm: false,
      },
      { bench: 'config', args: [], viaNpm: false },
      { bench: 'gateway', args: ['--duration', '5', '--rounds', '5'], viaNpm: true },
      { bench: 'gateway', args: [], viaNpm: true },
      { bench: 'resilience', args: [], viaNpm: false },
    ]);
  });
});
