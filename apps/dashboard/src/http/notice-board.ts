import { randomBytes } from 'node:crypto';
import type { Notice } from '../page/layout';

const KEPT = 100;

/**
 * The outcome of an action, kept for the page the browser is redirected to (post, redirect, get),
 * under an unguessable id; read once. Old ones are dropped first.
 */
export class NoticeBoard {
  private readonly notices = new Map<string, Notice>();

  post(notice: Notice): string {
    const id = randomBytes(9).toString('base64url');
    this.notices.set(id, notice);
    if (this.notices.size > KEPT) this.notices.delete(this.notices.keys().next().value!);
    return id;
  }

  take(id: string | undefined): Notice | undefined {
    if (id === undefined) return undefined;
    const notice = this.notices.get(id);
    this.notices.delete(id);
    return notice;
  }
}
