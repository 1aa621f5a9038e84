import type { Logger } from '@lab/common';

export interface LoggedLine {
  level: string;
  msg?: string;
  obj: object;
}

/** A logger that keeps every line, for tests that assert what was logged and how often. */
export function recordingLogger() {
  const lines: LoggedLine[] = [];
  const at = (level: string) => (obj: object, msg?: string) => void lines.push({ level, obj, msg });
  const logger: Logger = { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
  return {
    logger,
    lines,
    at: (level: string) => lines.filter((l) => l.level === level),
    messages: (level: string) => lines.filter((l) => l.level === level).map((l) => l.msg),
  };
}
