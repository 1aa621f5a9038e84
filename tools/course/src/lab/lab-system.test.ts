import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';

import { checkCheckpoints, formatCheckpointReport } from './check-checkpoints';
import type { LabDefinition } from './lab-definition';
import { LabEnvironmentError, labSystemFromEnv, SystemRequestError } from './lab-system';

describe('labSystemFromEnv', () => {
  it("uses npm start's addresses by default, and an empty variable counts as unset", () => {
    const system = labSystemFromEnv({ CONSUL_HTTP_ADDR: '', GW: 'http://127.0.0.1:9080/' });
    expect(system.consul.address).toBe('http://127.0.0.1:8500');
    expect(system.gatewayUrl).toBe('http://127.0.0.1:9080');
  });

  it('refuses an address that is not an http URL, naming the variable', () => {
    expect(() => labSystemFromEnv({ CONSUL_HTTP_ADDR: '127.0.0.1:8500' })).toThrow(LabEnvironmentError);
    expect(() => labSystemFromEnv({ CONSUL_HTTP_ADDR: '127.0.0.1:8500' })).toThrow(/CONSUL_HTTP_ADDR/);
  });

  describe('against a registry', () => {
    const seen: Array<string | undefined> = [];
    const server = http.createServer((req, res) => {
      seen.push(req.headers['x-consul-token'] as string | undefined);
      if (req.url === '/v1/agent/service/payments-2') res.end('{"ID":"payments-2"}');
      else if (req.url === '/v1/health/service/order-service?passing') {
        res.end(
          JSON.stringify([
            { Service: { ID: 'order-service-2', Address: '::1', Port: 3104 } },
            { Service: { ID: 'order-service-1', Address: '127.0.0.1', Port: 3004 } },
          ]),
        );
      } else if (req.url === '/admin/flags') {
        const admin = req.headers.authorization === 'Bearer admin-s3cret';
        res.writeHead(admin ? 200 : 403).end(admin ? '{"flags":[]}' : 'The admin token is not valid');
      } else if (req.url === '/v1/secret') res.writeHead(403).end('Permission denied');
      else res.writeHead(404).end();
    });
    let url: string;
    beforeAll(async () => {
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    afterAll(() => new Promise((resolve) => server.close(resolve)));

    it('sends the token, reads JSON, and takes 404 for "not there"', async () => {
      const system = labSystemFromEnv({ CONSUL_HTTP_ADDR: url, CONSUL_HTTP_TOKEN: 's3cret' });
      await expect(system.consul.get('/v1/agent/service/payments-2')).resolves.toEqual({ ID: 'payments-2' });
      await expect(system.consul.get('/v1/agent/service/payments-9')).resolves.toBeUndefined();
      expect(seen.slice(-2)).toEqual(['s3cret', 's3cret']);
    });

    it("lists a service's passing instances by id, and sends the admin token only when asked", async () => {
      const system = labSystemFromEnv({ CONSUL_HTTP_ADDR: url, ADMIN_TOKEN: 'admin-s3cret' });
      await expect(system.instances('order-service')).resolves.toEqual([
        { id: 'order-service-1', url: 'http://127.0.0.1:3004' },
        { id: 'order-service-2', url: 'http://[::1]:3104' },
      ]);
      await expect(system.get(`${url}/admin/flags`, { admin: true })).resolves.toEqual({ flags: [] });
      // Or from the file npm start's banner names, as ADMIN_TOKEN_FILE.
      const dir = mkdtempSync(path.join(tmpdir(), 'lab-system-'));
      try {
        writeFileSync(path.join(dir, 'admin-token'), 'admin-s3cret\n');
        const fromFile = labSystemFromEnv({ CONSUL_HTTP_ADDR: url, ADMIN_TOKEN_FILE: path.join(dir, 'admin-token') });
        await expect(fromFile.get(`${url}/admin/flags`, { admin: true })).resolves.toEqual({ flags: [] });
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
      expect(() => labSystemFromEnv({ ADMIN_TOKEN_FILE: path.join(tmpdir(), 'no-such-admin-token') })).toThrow(
        /ADMIN_TOKEN_FILE names .*no-such-admin-token, which cannot be read \(ENOENT\)/,
      );
      await expect(system.get(`${url}/admin/flags`)).rejects.toThrow(
        `GET ${url}/admin/flags answered 403: The admin token is not valid (export ADMIN_TOKEN with the admin token your stack printed)`,
      );
    });

    it('says what to do about a 403', async () => {
      const system = labSystemFromEnv({ CONSUL_HTTP_ADDR: url });
      await expect(system.consul.get('/v1/secret')).rejects.toThrow(
        'GET /v1/secret answered 403: Permission denied (export CONSUL_HTTP_TOKEN with the token your stack printed)',
      );
    });
  });
});

describe('checkCheckpoints', () => {
  const lab: LabDefinition = {
    checkpoints: [
      { title: 'first', check: async () => ({ met: true }) },
      { title: 'second', check: async () => ({ met: false, missing: 'the second thing (step 2)' }) },
      {
        title: 'third',
        check: async () => {
          throw new SystemRequestError('GET /v1/x answered 500: boom');
        },
      },
    ],
  };

  it('reports every checkpoint, a throwing one as not met with why', async () => {
    const system = labSystemFromEnv({});
    // A registry that answers: the checkpoints above read nothing from it.
    const answering = { ...system.consul, get: async <T>() => '127.0.0.1:8300' as T };
    const report = await checkCheckpoints(lab, { ...system, consul: answering });
    expect(report.allMet).toBe(false);
    expect(formatCheckpointReport('Lab 9', system, report)).toBe(
      [
        'Lab 9',
        'Checking the stack at CONSUL_HTTP_ADDR=http://127.0.0.1:8500',
        '',
        '  ✓ 1. first',
        '  ✗ 2. second',
        '       missing: the second thing (step 2)',
        '  ✗ 3. third',
        '       missing: could not check: GET /v1/x answered 500: boom',
        '',
        '1 of 3 checkpoints met: the steps of the lab that lead to the others are in its README.',
      ].join('\n'),
    );
  });

  it('says so when the registry does not answer at all, and checks nothing else', async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise((resolve) => closed.close(resolve));
    const system = labSystemFromEnv({ CONSUL_HTTP_ADDR: `http://127.0.0.1:${port}` });
    const report = await checkCheckpoints(lab, system);
    expect(report).toMatchObject({ allMet: false, outcomes: [] });
    expect(formatCheckpointReport('Lab 9', system, report)).toContain(
      `  ✗ no answer from the registry at http://127.0.0.1:${port} (ECONNREFUSED)\n    Is the stack running (\`npm start\` in another shell)?`,
    );
  });
});
