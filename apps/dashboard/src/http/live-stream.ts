import type { Request, Response } from 'express';
import type { Logger } from 'pino';
import type { SystemCollector } from '../collect/system-collector';
import { changeItem, renderSections } from '../page/sections';
import { ChangeLog, describeChanges, type ChangeEvent } from '../view/change-events';
import type { SystemView } from '../view/system-view';

/** A comment line now and then keeps proxies from closing a quiet stream. */
const HEARTBEAT_MS = 15_000;

function frame(event: string, data: unknown): string {
  return `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

/**
 * Server-sent events for every open page: on each new picture, the sections whose markup changed
 * (`section` events: { id, html }) and each change worth telling (`change` events: { seq, html }),
 * rendered by the same code as the first page. A page that connects gets every section at once.
 */
export class LiveStream {
  private readonly clients = new Set<Response>();
  private readonly rendered = new Map<string, string>();
  private previous: SystemView | undefined;
  readonly changes = new ChangeLog();
  private unsubscribe: () => void;

  constructor(
    private readonly collector: SystemCollector,
    private readonly log: Logger,
  ) {
    this.unsubscribe = collector.subscribe((view) => this.onView(view));
  }

  handle(req: Request, res: Response): void {
    res.status(200).set({
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      'x-accel-buffering': 'no',
    });
    res.flushHeaders();
    res.write('retry: 2000\n\n');
    for (const [id, html] of this.currentSections()) res.write(frame('section', { id, html }));
    this.clients.add(res);
    const release = this.collector.hold();
    const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), HEARTBEAT_MS);
    req.on('close', () => {
      clearInterval(heartbeat);
      this.clients.delete(res);
      release();
    });
  }

  /** Ends every stream (the instance is draining): the pages reconnect, to another replica if there is one. */
  closeAll(): void {
    for (const res of this.clients) res.end();
    this.clients.clear();
  }

  close(): void {
    this.unsubscribe();
    this.closeAll();
  }

  private currentSections(): Map<string, string> {
    if (this.rendered.size === 0) this.renderInto(this.collector.view());
    return this.rendered;
  }

  /** Renders every section; returns the ids whose markup changed. */
  private renderInto(view: SystemView): string[] {
    const changed: string[] = [];
    for (const [id, html] of Object.entries(renderSections(view))) {
      if (this.rendered.get(id) !== html.text) {
        this.rendered.set(id, html.text);
        changed.push(id);
      }
    }
    return changed;
  }

  private onView(view: SystemView): void {
    const told: ChangeEvent[] =
      this.previous === undefined ? [] : this.changes.add(describeChanges(this.previous, view), view.at);
    this.previous = view;
    for (const event of told) this.log.info({ change: event.text }, 'system change');
    const changed = this.renderInto(view);
    if (this.clients.size === 0) return;
    const frames = [
      ...changed.map((id) => frame('section', { id, html: this.rendered.get(id) })),
      ...told.map((event) => frame('change', { seq: event.seq, html: changeItem(event).text })),
    ].join('');
    if (frames !== '') for (const res of this.clients) res.write(frames);
  }
}
