import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';

export interface RecordedCall {
  method: string;
  path: string;
  body: unknown;
  authorization: string | undefined;
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  return text ? JSON.parse(text) : undefined;
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': status >= 400 ? 'application/problem+json' : 'application/json' });
  res.end(JSON.stringify(body));
}

/** product-service as order-service sees it: prices for known ids, 404 for the rest. */
export function productHandler(prices: Map<number, number>) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    const id = Number(/^\/products\/(\d+)$/.exec(req.url ?? '')?.[1]);
    const priceCents = prices.get(id);
    if (priceCents === undefined) return send(res, 404, { title: 'Not Found', status: 404 });
    send(res, 200, { id, sku: `SKU-${id}`, name: `Product ${id}`, priceCents });
  };
}

/**
 * inventory-service as order-service sees it: records every call and can be told to refuse stock,
 * to fail confirmations or to answer slowly. Reservations are idempotent by orderId, like the real one.
 */
export class InventoryStub {
  readonly calls: RecordedCall[] = [];
  outOfStock = false;
  failConfirm = false;
  reserveDelayMs = 0;
  private readonly byOrder = new Map<string, { id: string; orderId: string; items: unknown }>();

  readonly handler = (req: IncomingMessage, res: ServerResponse): void => {
    void this.handle(req, res).catch(() => send(res, 500, { title: 'stub failed', status: 500 }));
  };

  callsTo(action: 'reserve' | 'confirm' | 'release'): RecordedCall[] {
    return this.calls.filter((c) =>
      action === 'reserve' ? c.path === '/reservations' : c.path.endsWith(`/${action}`),
    );
  }

  reset(): void {
    this.calls.length = 0;
    this.outOfStock = false;
    this.failConfirm = false;
    this.reserveDelayMs = 0;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readJson(req);
    const path = req.url ?? '';
    this.calls.push({ method: req.method ?? '', path, body, authorization: req.headers.authorization });
    if (req.method === 'POST' && path === '/reservations') {
      await sleep(this.reserveDelayMs);
      const { orderId, items } = body as { orderId: string; items: { productId: number }[] };
      if (this.outOfStock) {
        return send(res, 409, {
          title: 'Conflict',
          status: 409,
          detail: `Insufficient stock for products ${items[0].productId}`,
          errors: [
            { field: 'body.items.0.productId', message: `product ${items[0].productId} has 0 available, 1 requested` },
          ],
        });
      }
      const existing = this.byOrder.get(orderId);
      const reservation = existing ?? { id: randomUUID(), orderId, items };
      this.byOrder.set(orderId, reservation);
      return send(res, existing ? 200 : 201, {
        ...reservation,
        status: 'pending',
        expiresAt: new Date().toISOString(),
      });
    }
    const action = /^\/reservations\/([^/]+)\/(confirm|release)$/.exec(path);
    if (req.method === 'POST' && action) {
      if (action[2] === 'confirm' && this.failConfirm)
        return send(res, 500, { title: 'Internal Server Error', status: 500 });
      return send(res, 200, { id: action[1], status: action[2] === 'confirm' ? 'confirmed' : 'released' });
    }
    send(res, 404, { title: 'Not Found', status: 404 });
  }
}
