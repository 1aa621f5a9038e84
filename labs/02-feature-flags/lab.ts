import type { CheckpointResult, LabDefinition, LabInstance, LabSystem } from '@lab/course';

// The parts of order-service's answers these checkpoints read.
interface FlagDefinition {
  enabled: boolean;
  rolloutPercent?: number;
  roles?: string[];
  users?: string[];
  killSwitch?: boolean;
}
interface AdminConfig {
  values: Record<string, { value: unknown; source: string }>;
}
interface Explanation {
  enabled: boolean;
  reason: string;
}
interface HealthDetails {
  config?: { rejections: number; lastRejection?: { issues: { path: string; message: string }[] } };
}

/** The flags order-service ships with (config/order-service/default.yaml): not the student's. */
const SHIPPED_FLAGS = new Set(['bulk-discount']);

type Found = { instances: LabInstance[]; name: string; definition: FlagDefinition } | { missing: CheckpointResult };

/** The student's flag: one order-service has in force besides the shipped ones (the first by name). */
async function studentFlag(system: LabSystem): Promise<Found> {
  const instances = await system.instances('order-service');
  if (instances.length === 0) return { missing: { met: false, missing: 'no order-service instance is passing' } };
  const config = await system.get<AdminConfig>(`${instances[0].url}/admin/config`, { admin: true });
  const own = Object.entries(config?.values ?? {})
    .filter(([path]) => path.startsWith('flags.') && !SHIPPED_FLAGS.has(path.slice('flags.'.length)))
    .sort(([a], [b]) => a.localeCompare(b));
  if (own.length === 0) {
    return {
      missing: {
        met: false,
        missing: `${instances[0].id} has no flag besides ${[...SHIPPED_FLAGS].join(', ')}: write one of your own (step 3)`,
      },
    };
  }
  const [path, { value }] = own[0];
  return { instances, name: path.slice('flags.'.length), definition: value as FlagDefinition };
}

export const lab: LabDefinition = {
  checkpoints: [
    {
      title: 'order-service has a flag of your own in force',
      async check(system) {
        const found = await studentFlag(system);
        return 'missing' in found ? found.missing : { met: true };
      },
    },
    {
      title: 'your flag is rolled out to a role and to a share of the users',
      async check(system) {
        const found = await studentFlag(system);
        if ('missing' in found) return found.missing;
        const { name, definition } = found;
        const absent: string[] = [];
        if (!definition.roles?.length) absent.push('it lists no roles');
        const percent = definition.rolloutPercent;
        if (percent === undefined || percent <= 0 || percent >= 100) {
          absent.push(`its rolloutPercent is ${percent ?? 'not set'}, not between 0 and 100`);
        }
        if (absent.length > 0) return { met: false, missing: `${name}: ${absent.join(', and ')} (step 4)` };
        return { met: true };
      },
    },
    {
      title: "your flag's kill switch is pulled on every order-service instance",
      async check(system) {
        const found = await studentFlag(system);
        if ('missing' in found) return found.missing;
        const { name, definition, instances } = found;
        // A role the flag lists would get it but for the kill switch: the strongest case to ask about.
        const role = definition.roles?.[0] ?? 'admin';
        const still: string[] = [];
        for (const instance of instances) {
          const answer = await system.get<Explanation>(
            `${instance.url}/admin/flags/${encodeURIComponent(name)}/explain?userId=lab-check&role=${encodeURIComponent(role)}`,
            { admin: true },
          );
          if (answer?.reason !== 'kill-switch') still.push(`${instance.id} (${answer?.reason ?? 'no such flag'})`);
        }
        if (still.length > 0) {
          return { met: false, missing: `${name} still decides by its rules on ${still.join(', ')} (step 5)` };
        }
        return { met: true };
      },
    },
    {
      title: 'order-service refused an invalid change to your flag and kept the last good one',
      async check(system) {
        const found = await studentFlag(system);
        if ('missing' in found) return found.missing;
        for (const instance of found.instances) {
          const config = (await system.get<HealthDetails>(`${instance.url}/health/detailed`))?.config;
          const issues = config?.lastRejection?.issues ?? [];
          if (issues.some((issue) => issue.path.startsWith(`flags.${found.name}`))) return { met: true };
        }
        return {
          met: false,
          missing: `no order-service instance has refused a change to ${found.name} yet (step 6)`,
        };
      },
    },
  ],
};
