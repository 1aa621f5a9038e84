#!/usr/bin/env node
// Runs the dev registry until SIGTERM/SIGINT, logging one JSON line per event.
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import pino from 'pino';
import { UsageError } from '@lab/common';
import { parseCliOptions, usage } from './cli-options';
import { startDevRegistry, type AclConfigInput } from './index';

async function main(): Promise<void> {
  const { logLevel, eurekaSelfPreservation, eurekaEvictionIntervalMs, acl, aclFile, aclToken, ...options } =
    parseCliOptions(process.argv.slice(2), process.env);
  // Synchronous writes: few lines, kept in order, and none lost to process.exit().
  const logger = pino({ name: 'dev-registry', level: logLevel }, pino.destination({ sync: true }));
  const eureka = { selfPreservation: eurekaSelfPreservation, evictionIntervalMs: eurekaEvictionIntervalMs };
  const registry = await startDevRegistry({ ...options, eureka, logger, acl: await aclSetUp(acl, aclFile, aclToken) });

  const stop = (signal: NodeJS.Signals): void => {
    logger.info({ signal }, 'shutting down');
    registry.close().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: (error as Error).message }, 'close failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

/**
 * ACLs are on unless turned off: the policies and tokens of --acl-file, and a management token from
 * DEV_REGISTRY_ACL_TOKEN, the file, or made here and printed once, as `consul acl bootstrap` does.
 */
async function aclSetUp(
  mode: 'on' | 'off',
  file: string | undefined,
  token: string | undefined,
): Promise<AclConfigInput | undefined> {
  if (mode === 'off') return undefined;
  let fromFile: Partial<AclConfigInput> = {};
  if (file !== undefined) {
    try {
      fromFile = JSON.parse(await readFile(file, 'utf8')) as Partial<AclConfigInput>;
    } catch (error) {
      throw new UsageError(`--acl-file ${file}: ${(error as Error).message}`);
    }
  }
  const managementToken = token ?? fromFile.managementToken;
  if (managementToken !== undefined) return { ...fromFile, managementToken };
  const generated = randomBytes(24).toString('base64url');
  process.stderr.write(
    `dev-registry: ACLs are on (default deny). Management token, generated for this run:\n` +
      `  export CONSUL_HTTP_TOKEN=${generated}\n`,
  );
  return { ...fromFile, managementToken: generated };
}

main().catch((error: unknown) => {
  if (error instanceof UsageError) {
    process.stderr.write(`dev-registry: ${error.message}\n${usage}\n`);
    process.exit(2);
  }
  process.stderr.write(`dev-registry: ${(error as Error).message}\n`);
  process.exit(1);
});
