// Run by the Dockerfile's bundle stage, in a tree of package.json files and package-lock.json, before
// `npm ci --omit=dev --workspace <one workspace>`: drops every workspace's devDependencies, from its
// package.json and from its entry in the lock file, so that the image gets production code only.
//
// Why: `npm ci --workspace X` installs whatever any dependency edge of the workspaces X uses reaches,
// the devDependencies of those workspaces included, and --omit=dev then leaves out only what the lock
// marks dev for the whole repository. A package that is a development tool for one workspace (PGlite
// behind service-kit's embedded fallback, the testing lib behind an app's tests) is a production
// dependency of another workspace, so it is never marked dev: only removing the edges keeps it out.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

/**
 * Pure: the lock without the devDependencies of its workspace entries (every entry but the root's
 * that is not under node_modules), and the workspace folders whose manifests must lose theirs too.
 */
function withoutWorkspaceDevDependencies(lock) {
  const copy = structuredClone(lock);
  const workspaces = [];
  for (const [location, entry] of Object.entries(copy.packages ?? {})) {
    if (location === '' || location.split('/').includes('node_modules') || !entry.devDependencies) continue;
    delete entry.devDependencies;
    workspaces.push(location);
  }
  return { lock: copy, workspaces };
}

function readJson(file) {
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

function writeJson(file, value) {
  fs.writeFileSync(file, `${JSON.stringify(value, null, 2)}\n`);
}

/** Rewrites package-lock.json and the workspaces' package.json files under `root`; returns the workspaces changed. */
function stripDevDependencies(root) {
  const lockFile = path.join(root, 'package-lock.json');
  const { lock, workspaces } = withoutWorkspaceDevDependencies(readJson(lockFile));
  for (const workspace of workspaces) {
    const manifestFile = path.join(root, workspace, 'package.json');
    const manifest = readJson(manifestFile);
    delete manifest.devDependencies;
    writeJson(manifestFile, manifest);
  }
  writeJson(lockFile, lock);
  return workspaces;
}

if (require.main === module) {
  const changed = stripDevDependencies(process.argv[2] ?? process.cwd());
  process.stdout.write(`production manifests: devDependencies dropped from ${changed.join(', ') || 'no workspace'}\n`);
}

module.exports = { withoutWorkspaceDevDependencies, stripDevDependencies };
