import { UsageError } from '@lab/common';
import { isSecretName, redactSecrets } from '@lab/config';
import type { CliArgs } from './args';

/** What every command needs besides the KV store: its arguments, where the files are, and output. */
export class CommandContext {
  constructor(
    readonly args: CliArgs,
    readonly configDir: string,
    readonly environment: string,
    private readonly stdout: { write(text: string): unknown },
    private readonly stderr: { write(text: string): unknown },
  ) {}

  out(line: string): void {
    this.stdout.write(`${line}\n`);
  }

  err(line: string): void {
    this.stderr.write(`${line}\n`);
  }

  /** A value fit for a listing: keys named like secrets are hidden, and passwords inside URLs. */
  show(key: string, value: string | undefined): string {
    if (value === undefined) return '';
    if (isSecretName(key.split('/').pop() ?? key)) return '[redacted]';
    return String(redactSecrets({ value }).value);
  }

  requireService(): string {
    if (!this.args.service)
      throw new UsageError(`${this.args.command} needs --service <name> (a folder of config/, or "shared")`);
    return this.args.service;
  }
}
