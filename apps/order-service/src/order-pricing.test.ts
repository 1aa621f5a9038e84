import { priceOrder, requestHash } from './order-pricing';

describe('requestHash', () => {
  it('ignores item order', () => {
    expect(
      requestHash([
        { productId: 2, quantity: 1 },
        { productId: 1, quantity: 3 },
      ]),
    ).toBe(
      requestHash([
        { productId: 1, quantity: 3 },
        { productId: 2, quantity: 1 },
      ]),
    );
  });

  it('differs when a quantity or a product differs', () => {
    const base = requestHash([{ productId: 1, quantity: 3 }]);
    expect(requestHash([{ productId: 1, quantity: 4 }])).not.toBe(base);
    expect(requestHash([{ productId: 2, quantity: 3 }])).not.toBe(base);
    expect(requestHash([{ productId: 1, quantity: 3 }, { productId: 2, quantity: 1 }])).not.toBe(base);
  });

  it('is a sha256 hex digest', () => {
    expect(requestHash([{ productId: 1, quantity: 1 }])).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('priceOrder', () => {
  it('prices each line and sums the total', () => {
    expect(
      priceOrder(
        [
          { productId: 7, quantity: 2 },
          { productId: 3, quantity: 5 },
        ],
        [1250, 99],
      ),
    ).toEqual({
      lines: [
        { productId: 7, quantity: 2, unitPriceCents: 1250 },
        { productId: 3, quantity: 5, unitPriceCents: 99 },
      ],
      totalCents: 2 * 1250 + 5 * 99,
    });
  });

  it('keeps totals exact beyond 32-bit integers', () => {
    const { totalCents } = priceOrder([{ productId: 1, quantity: 1000 }], [1_000_000_000]);
    expect(totalCents).toBe(1_000_000_000_000);
  });
});
