import { renderTable } from './table';

it('aligns every column to its widest cell', () => {
  const text = renderTable(
    ['service', 'url'],
    [
      ['gateway', 'http://127.0.0.1:8080'],
      ['product-service-1', 'http://127.0.0.1:3002'],
    ],
  );
  expect(text.split('\n')).toEqual([
    'service            url',
    '-----------------  ---------------------',
    'gateway            http://127.0.0.1:8080',
    'product-service-1  http://127.0.0.1:3002',
  ]);
});
