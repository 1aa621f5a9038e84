import type { FaultInjection } from '@lab/service-kit';

/** Numbers and values as a person reads them on the page. */

export function perSecond(n: number): string {
  if (n === 0) return '0';
  return n < 10 ? n.toFixed(1) : Math.round(n).toString();
}

export function percent(ratio: number): string {
  if (ratio === 0) return '0%';
  return ratio < 0.1 ? `${(ratio * 100).toFixed(1)}%` : `${Math.round(ratio * 100)}%`;
}

export function milliseconds(ms: number | undefined): string {
  if (ms === undefined) return '–';
  return ms < 10 ? `${ms.toFixed(1)} ms` : `${Math.round(ms)} ms`;
}

/** A config value as it would be written to the KV store: text as is, anything else as JSON. */
export function configText(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

export function clock(iso: string | undefined): string {
  if (iso === undefined || iso === '') return '';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toISOString().slice(11, 19);
}

/** The fault injection in force, in the chaos tool's words: "abort 100% with 503; delay 50% by 800 ms". */
export function faultText(fault: FaultInjection | undefined): string {
  const parts: string[] = [];
  if (fault?.delay) parts.push(`delay ${fault.delay.percentage}% by ${fault.delay.fixedDelayMs} ms`);
  if (fault?.abort) parts.push(`abort ${fault.abort.percentage}% with ${fault.abort.httpStatus}`);
  return parts.length > 0 ? parts.join('; ') : 'none';
}
