import type { CommandIo } from '@lab/common';
import { toolEnvironment } from '@lab/stack-state';
import { freePort } from '@lab/testing';

import { checkCheckpoints, formatCheckpointReport } from './check-checkpoints';
import { LabDocumentError } from './lab-document';
import { LabEnvironmentError, labSystemFromEnv } from './lab-system';
import { startLabStack } from './lab-stack';
import { REPOSITORY_ROOT } from '../repository-root';
import { findLab, listLabs, loadLabDefinition, loadLabDocument, UnknownLabError } from './labs';
import { formatLabFailure, runLab } from './run-lab';

export const LAB_USAGE = `Usage: npm run lab -- <command>

  list          the labs
  check <n>     which of lab n's checkpoints your running stack (npm start) meets, and what is missing
  run <n>       runs lab n's steps against a fresh stack of its own and compares their output

check reads CONSUL_HTTP_ADDR, CONSUL_HTTP_TOKEN, GW and ADMIN_TOKEN (or ADMIN_TOKEN_FILE), the
variables a lab's first step exports; those not set are the running stack's (npm start writes them
to .dev-stack/state.json), else http://127.0.0.1:8500 and http://127.0.0.1:8080.`;

/** `npm run lab -- ...`; resolves with the exit code (0 done, 1 not met or failed, 2 usage). */
export async function labCli(args: string[], io: CommandIo): Promise<number> {
  const [command, number, ...rest] = args;
  if (command === undefined || command === '--help' || command === '-h') {
    io.out(LAB_USAGE);
    return command === undefined ? 2 : 0;
  }
  try {
    if (command === 'list') {
      for (const lab of listLabs()) io.out(`${lab.number}  ${loadLabDocument(lab).title}   (labs/${lab.name})`);
      return 0;
    }
    if ((command !== 'check' && command !== 'run') || !/^\d+$/.test(number ?? '') || rest.length > 0) {
      io.err(LAB_USAGE);
      return 2;
    }
    const folder = findLab(Number(number));
    const document = loadLabDocument(folder);
    const definition = await loadLabDefinition(folder);

    if (command === 'check') {
      const system = labSystemFromEnv(toolEnvironment(io.env).env);
      const report = await checkCheckpoints(definition, system);
      io.out(formatCheckpointReport(document.title, system, report));
      return report.allMet ? 0 : 1;
    }

    io.out(`${document.title}: starting a fresh stack on free ports`);
    const lab = await startLabStack(definition, (m) => io.out(`  ${m}`));
    try {
      const result = await runLab(document, {
        cwd: REPOSITORY_ROOT,
        env: { ...io.env, ...lab.variables },
        provided: lab.variables,
        freePort,
        onProgress: (m) => io.out(m),
      });
      if (result.ok) {
        io.out(`All ${result.steps} steps ran as the README says (${(result.durationMs / 1000).toFixed(1)} s).`);
        return 0;
      }
      io.err(formatLabFailure(`labs/${folder.name}/README.md`, result.failure));
      return 1;
    } finally {
      await lab.stop();
    }
  } catch (error) {
    if (error instanceof UnknownLabError || error instanceof LabEnvironmentError || error instanceof LabDocumentError) {
      io.err(error.message);
      return 2;
    }
    throw error;
  }
}
