import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { Client } from 'pg';

// The CLI is tested as users run it: the compiled dist/main.js in its own process.
const projectDir = path.join(__dirname, '..');
const mainJs = path.join(projectDir, 'dist', 'main.js');

beforeAll(() => {
  execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-b', path.join(projectDir, 'tsconfig.json')]);
}, 60_000);

function startCli(args: string[]): ChildProcessWithoutNullStreams {
  return spawn(process.execPath, [mainJs, ...args]);
}

async function firstLine(child: ChildProcessWithoutNullStreams): Promise<string> {
  const lines = createInterface({ input: child.stdout });
  const [line] = (await once(lines, 'line')) as [string];
  lines.close();
  return line;
}

describe('embedded-postgres CLI', () => {
  it('prints its URL as one JSON line, serves pg, and exits 0 on SIGTERM', async () => {
    const child = startCli(['--port', '0', '--max-connections', '2']);
    const exited = once(child, 'exit');
    try {
      const announced = JSON.parse(await firstLine(child)) as { url: string; port: number };
      expect(announced.url).toBe(`postgres://postgres@127.0.0.1:${announced.port}/postgres?sslmode=disable`);
      const client = new Client(announced.url);
      await client.connect();
      await expect(client.query('SELECT 1 AS one')).resolves.toMatchObject({ rows: [{ one: 1 }] });
      await client.end();
    } finally {
      child.kill('SIGTERM');
    }
    const [code, signal] = await exited;
    expect({ code, signal }).toEqual({ code: 0, signal: null });
  });

  it('exits 2 with the usage on a bad flag', async () => {
    const child = startCli(['--port', 'many']);
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const [code] = await once(child, 'exit');
    expect(code).toBe(2);
    expect(stderr).toContain('--port must be an integer from 0 to 65535, got "many"');
    expect(stderr).toContain('usage: embedded-postgres');
  });
});
