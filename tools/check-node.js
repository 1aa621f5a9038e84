#!/usr/bin/env node
// Runs first in `npm start`, `npm test`, the labs, the exercises and the benchmarks: on a Node.js
// older than package.json's engines.node it prints one line (what is needed, what was found, how
// to get it) and exits 1, instead of a TypeError from deep inside a dependency. (`npm ci` stops on
// its own: .npmrc sets engine-strict.)
//
// Plain CommonJS in the syntax of very old Node versions, and no dependencies: it must run on
// whatever `node` a newcomer has, possibly before `npm ci`. For the same reason it reads the
// ">=major[.minor[.patch]]" range itself rather than through the semver package.
'use strict';

const fs = require('fs');
const path = require('path');

const root = path.join(__dirname, '..');

/** [major, minor, patch] of "v22.1.0", "22.1" or "24"; missing parts are 0. */
function parts(version) {
  const numbers = String(version).replace(/^v/, '').split('.').map(Number);
  return [numbers[0] || 0, numbers[1] || 0, numbers[2] || 0];
}

function atLeast(version, minimum) {
  const a = parts(version);
  const b = parts(minimum);
  for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return a[i] > b[i];
  return true;
}

function main() {
  const range = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')).engines.node;
  const match = /^>=\s*(\d+(\.\d+){0,2})$/.exec(range.trim());
  if (!match) throw new Error(`package.json engines.node must read ">=<version>", not ${JSON.stringify(range)}`);
  const minimum = match[1];
  if (atLeast(process.version, minimum)) return;

  const recommended = fs.readFileSync(path.join(root, '.nvmrc'), 'utf8').trim();
  const found = `${process.version} (${process.execPath})`;
  console.error(
    `This project needs Node.js ${minimum} or newer (${recommended} recommended); this is ${found}. ` +
      `Switch with \`nvm install\` here (it reads .nvmrc), or install Node.js ${recommended} and put it first on PATH.`,
  );
  process.exitCode = 1;
}

main();
