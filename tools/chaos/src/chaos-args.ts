import { parseCommandLine, UsageError } from '@lab/common';
import { faultInjectionSchema, type FaultInjection } from '@lab/service-kit';

export const CHAOS_USAGE = `Usage: npm run chaos -- <command> <service> [options]

  delay <service> --ms N [--percent P]        hold P% of the requests the service receives for N ms first
  abort <service> [--status S] [--percent P]  answer P% of them with status S (default 503), not handling them
  stop <service> [--instance ID]              freeze its processes (SIGSTOP), or one instance's
  resume <service>                            thaw them (SIGCONT) and remove its delay and abort
  clear <service>                             remove its delay and abort

P is 0..100 (default 100), drawn per request as Istio's HTTPFaultInjection does; N is 1..60000.
delay and abort are written to the service's live configuration (config/<service>/fault/...) in the
registry's KV store, so every instance applies them within a second, without a restart. The tool
works on the stack npm start runs (its .dev-stack/state.json); CONSUL_URL, CONSUL_TOKEN and the
other registry variables set in the shell win.`;

export type ChaosCommand =
  | { command: 'delay'; service: string; fault: Required<Pick<FaultInjection, 'delay'>> }
  | { command: 'abort'; service: string; fault: Required<Pick<FaultInjection, 'abort'>> }
  | { command: 'stop'; service: string; instance?: string }
  | { command: 'resume'; service: string }
  | { command: 'clear'; service: string };

const COMMANDS = ['delay', 'abort', 'stop', 'resume', 'clear'] as const;
/** Which option each field of the fault setting comes from, to name it in a refusal. */
const OPTION_OF: Record<string, string> = { percentage: '--percent', fixedDelayMs: '--ms', httpStatus: '--status' };

/** Parses a chaos command line; 'help' for --help; UsageError naming what is wrong otherwise. */
export function parseChaosArgs(argv: readonly string[]): ChaosCommand | 'help' {
  const { values, positionals } = parseCommandLine(argv, {
    allowPositionals: true,
    options: {
      ms: { type: 'string' },
      percent: { type: 'string' },
      status: { type: 'string' },
      instance: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) return 'help';
  const [command, service, ...rest] = positionals;
  if (!(COMMANDS as readonly string[]).includes(command ?? ''))
    throw new UsageError(
      command
        ? `unknown command "${command}" (expected ${COMMANDS.join(', ')})`
        : `missing command (${COMMANDS.join(', ')})`,
    );
  if (!service) throw new UsageError(`${command} needs a service: npm run chaos -- ${command} <service>`);
  if (rest.length > 0) throw new UsageError(`unexpected "${rest.join(' ')}" after the service`);
  const allowed: Record<(typeof COMMANDS)[number], string[]> = {
    delay: ['ms', 'percent'],
    abort: ['status', 'percent'],
    stop: ['instance'],
    resume: [],
    clear: [],
  };
  for (const option of ['ms', 'percent', 'status', 'instance'] as const) {
    if (values[option] !== undefined && !allowed[command as ChaosCommand['command']].includes(option))
      throw new UsageError(`--${option} does not apply to ${command}`);
  }

  switch (command as ChaosCommand['command']) {
    case 'delay': {
      if (values.ms === undefined) throw new UsageError('delay needs --ms N (how long each delayed request waits)');
      const delay = {
        percentage: number('--percent', values.percent ?? '100'),
        fixedDelayMs: number('--ms', values.ms),
      };
      return { command: 'delay', service, fault: { delay: checked({ delay }).delay! } };
    }
    case 'abort': {
      const abort = {
        percentage: number('--percent', values.percent ?? '100'),
        httpStatus: number('--status', values.status ?? '503'),
      };
      return { command: 'abort', service, fault: { abort: checked({ abort }).abort! } };
    }
    case 'stop':
      return values.instance === undefined
        ? { command: 'stop', service }
        : { command: 'stop', service, instance: values.instance };
    case 'resume':
      return { command: 'resume', service };
    case 'clear':
      return { command: 'clear', service };
  }
}

function number(option: string, text: string): number {
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value)) throw new UsageError(`${option} must be a number, got "${text}"`);
  return value;
}

/** The service's own schema decides, so the tool refuses exactly what the services would. */
function checked(fault: FaultInjection): FaultInjection {
  const parsed = faultInjectionSchema.safeParse(fault);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => {
    const field = String(issue.path.at(-1) ?? '');
    return `${OPTION_OF[field] ?? field}: ${issue.message}`;
  });
  throw new UsageError(problems.join('; '));
}
