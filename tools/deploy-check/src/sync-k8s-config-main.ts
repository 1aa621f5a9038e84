// Copies config/ into k8s/base/config and regenerates its kustomization (see k8s-config.ts).
import { syncK8sConfig } from './k8s-config';

const written = syncK8sConfig();
process.stdout.write(`k8s/base/config: wrote ${written.length} files\n`);
