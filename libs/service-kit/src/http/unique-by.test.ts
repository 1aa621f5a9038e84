import { z } from 'zod';
import { uniqueBy } from './validate';

describe('uniqueBy', () => {
  const lines = z.array(z.object({ productId: z.number(), quantity: z.number() })).superRefine(uniqueBy('productId'));

  it('accepts items whose keys differ', () => {
    expect(
      lines.safeParse([
        { productId: 1, quantity: 1 },
        { productId: 2, quantity: 1 },
      ]).success,
    ).toBe(true);
  });

  it('names each repeated item by its index and key', () => {
    const result = lines.safeParse([
      { productId: 7, quantity: 1 },
      { productId: 8, quantity: 1 },
      { productId: 7, quantity: 2 },
    ]);
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => ({ path: i.path, message: i.message }))).toEqual([
      { path: [2, 'productId'], message: 'duplicate productId 7' },
    ]);
  });
});
