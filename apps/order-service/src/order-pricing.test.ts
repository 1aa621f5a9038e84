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
    expect(
      requestHash([
        { productId: 1, quantity: 3 },
        { productId: 2, quantity: 1 },
      ]),
    ).not.toBe(base);
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

describe('priceOrder with the bulk discount', () => {
  const items = [
    { productId: 1, quantity: 9 },
    { productId: 2, quantity: 10 },
    { productId: 3, quantity: 25 },
  ];

  it('takes 10% off the unit price of lines of 10 or more units only', () => {
    expect(priceOrder(items, [1000, 1000, 995], { bulkDiscount: true })).toEqual({
      lines: [
        { productId: 1, quantity: 9, unitPriceCents: 1000 },
        { productId: 2, quantity: 10, unitPriceCents: 900 },
        { productId: 3, quantity: 25, unitPriceCents: 896 }, // 895.5 rounds to the nearest cent
      ],
      totalCents: 9 * 1000 + 10 * 900 + 25 * 896,
    });
  });

  it('charges the catalogue price when the rule is off', () => {
    expect(priceOrder(items, [1000, 1000, 995], { bulkDiscount: false })).toEqual(priceOrder(items, [1000, 1000, 995]));
    expect(priceOrder(items, [1000, 1000, 995]).lines.map((l) => l.unitPriceCents)).toEqual([1000, 1000, 995]);
  });
});
