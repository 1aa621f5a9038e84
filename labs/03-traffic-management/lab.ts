import type { LabDefinition } from '@lab/course';

interface AdminConfig {
  status?: { lastRejection?: { issues: { path: string; message: string }[] } };
}

export const lab: LabDefinition = {
  // Two product-service instances, the second one the canary (v2): `npm start -- --replicas
  // product-service=2 --canary product-service`.
  stack: { replicas: { 'product-service': 2 }, canary: ['product-service'] },
  checkpoints: [
    {
      title: 'product-service v2 has served requests through the gateway',
      async check(system) {
        const gateways = await system.instances('gateway');
        if (gateways.length === 0) return { met: false, missing: 'no gateway instance is passing' };
        let served = 0;
        for (const { url } of gateways) {
          const text = (await system.get<string>(`${url}/metrics`, { admin: true, text: true })) ?? '';
          for (const found of text.matchAll(
            /^gateway_upstream_requests_total\{(?=[^}]*service="product-service")(?=[^}]*version="v2")(?=[^}]*status="200")[^}]*\} (\d+)/gm,
          )) {
            served += Number(found[1]);
          }
        }
        if (served > 0) return { met: true };
        return {
          met: false,
          missing: 'no request reached product-service v2 yet: send one with the canary header (step 2)',
        };
      },
    },
    {
      title: 'the gateway refused an invalid routing change and kept the last good rules',
      async check(system) {
        const gateways = await system.instances('gateway');
        for (const { url } of gateways) {
          const config = await system.get<AdminConfig>(`${url}/admin/config`, { admin: true });
          const issues = config?.status?.lastRejection?.issues ?? [];
          if (issues.some((issue) => issue.path.startsWith('routing.product-service'))) return { met: true };
        }
        return { met: false, missing: 'the gateway has refused no routing change for product-service yet (step 5)' };
      },
    },
  ],
};
