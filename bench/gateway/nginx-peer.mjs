// NGINX as a peer proxy in the same run: the same route (/api/products/ -> /products/), the same
// upstream instance, keep-alive connections to it, one worker, no access log (the gateway runs at
// LOG_LEVEL=warn, which writes no line per request either). Debian's nginx-light is installed when
// missing and the benchmark runs as root; otherwise it says how.
import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

function findNginx() {
  for (const candidate of ['/usr/sbin/nginx', '/usr/bin/nginx']) {
    try {
      execFileSync(candidate, ['-v'], { stdio: 'ignore' });
      return candidate;
    } catch {
      // not there; try the next
    }
  }
  return undefined;
}

export function ensureNginx(log) {
  const found = findNginx();
  if (found) return found;
  if (process.getuid?.() !== 0)
    throw new Error('nginx is not installed: sudo apt-get install nginx-light (or run with --no-nginx)');
  log('installing nginx-light ...');
  execFileSync('apt-get', ['install', '-y', '--no-install-recommends', 'nginx-light'], { stdio: 'inherit' });
  const installed = findNginx();
  if (!installed) throw new Error('nginx-light was installed, but no nginx binary was found');
  return installed;
}

function config(dir, listenPort, upstreamPort) {
  return `
daemon off;
worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  upstream product_service {
    server 127.0.0.1:${upstreamPort};
    keepalive 64;
  }
  server {
    listen 127.0.0.1:${listenPort};
    location /api/products/ {
      proxy_pass http://product_service/products/;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header X-Forwarded-For $remote_addr;
    }
  }
}
`;
}

/** Starts nginx in front of 127.0.0.1:upstreamPort; resolves with its pids and a stop function. */
export async function startNginx({ binary, listenPort, upstreamPort }) {
  const dir = mkdtempSync(path.join(tmpdir(), 'bench-nginx-'));
  const file = path.join(dir, 'nginx.conf');
  writeFileSync(file, config(dir, listenPort, upstreamPort));
  const child = spawn(binary, ['-c', file, '-p', dir, '-e', path.join(dir, 'error.log')], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const exited = once(child, 'exit');
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGQUIT');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  // The worker is the master's child; its pid appears once nginx has started.
  const deadline = Date.now() + 10_000;
  let workers = [];
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`nginx exited: ${stderr}`);
    try {
      workers = readFileSync(`/proc/${child.pid}/task/${child.pid}/children`, 'utf8')
        .trim()
        .split(/\s+/)
        .filter(Boolean);
    } catch {
      workers = [];
    }
    if (workers.length > 0) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  if (workers.length === 0) {
    await stop();
    throw new Error(`nginx started no worker: ${stderr}`);
  }
  return { pids: [child.pid, ...workers.map(Number)], stop };
}
