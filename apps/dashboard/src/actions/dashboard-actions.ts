import { checkKvValue, type KvSource } from '@lab/config';
import { NotFound, ServiceUnavailable, ValidationProblem } from '@lab/service-kit';
import type { z } from 'zod';
import type { SystemCollector } from '../collect/system-collector';
import type { InstanceProbe } from '../collect/instance-probe';
import type { Notice } from '../page/layout';
import type { InstanceView, SystemView } from '../view/system-view';
import { faultEntry, type breakerAction, type faultAction, type flagAction, type settingAction } from './action-inputs';

export interface DashboardActionsOptions {
  collector: SystemCollector;
  probe: InstanceProbe;
  /** The KV store the services watch; undefined where there is none (Kubernetes' ConfigMaps). */
  kv: KvSource | undefined;
  /** How long a config change is watched for the services' verdict. */
  verdictTimeoutMs?: number;
}

type ConfigMark = { version: number; rejections: number };

const POLL_MS = 100;

function instancesOf(view: SystemView, service: string): InstanceView[] {
  return view.services.filter((s) => service === 'shared' || s.name === service).flatMap((s) => s.instances);
}

function marks(view: SystemView, service: string): Map<string, ConfigMark> {
  const result = new Map<string, ConfigMark>();
  for (const i of instancesOf(view, service)) {
    const status = i.config.status;
    if (status) result.set(i.id, { version: status.version, rejections: status.rejections });
  }
  return result;
}

/**
 * What a person can do from the page, each through the system's own interfaces: a breaker through
 * the instance's admin API, a flag or setting through the KV store the services watch (so the
 * services validate it, and a refusal is reported as they report it).
 */
export class DashboardActions {
  private readonly verdictTimeoutMs: number;

  constructor(private readonly o: DashboardActionsOptions) {
    this.verdictTimeoutMs = o.verdictTimeoutMs ?? 3000;
  }

  async breaker(input: z.output<typeof breakerAction>): Promise<Notice> {
    const instance = this.o.collector.instance(input.instance);
    if (instance === undefined) {
      throw new NotFound(`${input.instance} is not among the healthy instances the registry lists`);
    }
    try {
      await this.o.probe.adminAction(instance, `/admin/policies/${input.dependency}/${input.action}`);
    } catch (error) {
      return { kind: 'error', text: `${instance.id} did not take it: ${(error as Error).message}` };
    }
    await this.o.collector.refresh(instance.name);
    const verb = input.action === 'force-open' ? 'forced open' : 'reset';
    return { kind: 'done', text: `${instance.id}: breaker to ${input.dependency} ${verb}` };
  }

  async flag(input: z.output<typeof flagAction>): Promise<Notice> {
    const holder = instancesOf(this.o.collector.view(), input.service).find((i) =>
      i.config.flags?.some((f) => f.path === input.flag),
    );
    const current = holder?.config.flags?.find((f) => f.path === input.flag)?.value;
    if (current === undefined || typeof current !== 'object' || current === null) {
      throw new NotFound(`no instance of ${input.service} reports a flag named ${input.flag}`);
    }
    return this.write(input.service, `flags/${input.flag}`, JSON.stringify({ ...current, enabled: input.enabled }));
  }

  async setting(input: z.output<typeof settingAction>): Promise<Notice> {
    // Checked as the config CLI checks it; the rest is the services' to judge, and they say why they refuse.
    const checked = checkKvValue(input.service, input.key, input.value);
    if ('issue' in checked) throw new ValidationProblem([{ field: 'body.value', message: checked.issue }]);
    return this.write(input.service, input.key, checked.text);
  }

  /**
   * Injects a delay or an abort into every instance of a service, or clears both, as the chaos tool
   * does: each kind under its own key (config/<service>/fault/delay, .../abort), so the two can stand
   * together, checked with the services' schema first.
   */
  async fault(input: z.output<typeof faultAction>): Promise<Notice> {
    if (input.kind === 'clear') {
      const prefix = `config/${input.service}/fault/`;
      return this.change(input.service, `${prefix}*`, `${prefix}* removed`, async (kv) => {
        for (const key of (await kv.list(prefix)).keys()) await kv.delete(key);
      });
    }
    const entry = faultEntry({ ...input, kind: input.kind });
    if ('issues' in entry)
      throw new ValidationProblem(
        entry.issues,
        'Refused before anything was written: the services’ fault schema does not accept it',
      );
    return this.write(input.service, entry.key, JSON.stringify(entry.value));
  }

  private write(service: string, key: string, text: string): Promise<Notice> {
    const fullKey = `config/${service}/${key}`;
    return this.change(service, fullKey, `${fullKey} = ${text} written`, (kv) => kv.put(fullKey, text));
  }

  /** Changes `target` in the KV store and reports what the instances of `service` made of it. */
  private async change(
    service: string,
    target: string,
    done: string,
    apply: (kv: KvSource) => Promise<void>,
  ): Promise<Notice> {
    const { kv, collector } = this.o;
    if (kv === undefined) {
      throw new ServiceUnavailable(
        'this registry has no KV store (Kubernetes: the settings live in each service’s ConfigMap; edit it with kubectl)',
      );
    }
    const before = marks(await collector.refresh(service), service);
    try {
      await apply(kv);
    } catch (error) {
      return { kind: 'error', text: `the KV store did not take ${target}: ${(error as Error).message}` };
    }
    const verdict = await this.verdict(service, before);
    return { kind: verdict.kind, text: `${done}. ${verdict.text}` };
  }

  /** Watches the instances of `service` until each has applied or refused the change, or time is up. */
  private async verdict(service: string, before: Map<string, ConfigMark>): Promise<Notice> {
    const deadline = Date.now() + this.verdictTimeoutMs;
    for (;;) {
      const view = await this.o.collector.refresh(service);
      const refused: string[] = [];
      const applied: string[] = [];
      for (const i of instancesOf(view, service)) {
        const status = i.config.status;
        const was = before.get(i.id);
        if (status === undefined || was === undefined) continue;
        if (status.rejections > was.rejections && status.lastRejection) {
          const issues = status.lastRejection.issues.map((x) => `${x.path}: ${x.message}`).join('; ');
          refused.push(`${i.id} refused it (${issues})`);
        } else if (status.version > was.version) {
          applied.push(`${i.id} (version ${status.version})`);
        }
      }
      if (refused.length > 0) {
        return { kind: 'refused', text: `${refused.join('; ')}; the last good configuration stays in force.` };
      }
      if (applied.length > 0 && applied.length >= before.size)
        return { kind: 'done', text: `Applied by ${applied.join(', ')}.` };
      if (Date.now() >= deadline) {
        return {
          kind: 'done',
          text:
            applied.length > 0
              ? `Applied by ${applied.join(', ')}; no word from the others yet.`
              : `No instance reported a change within ${this.verdictTimeoutMs / 1000} s (a value equal to the one in force changes nothing).`,
        };
      }
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  }
}
