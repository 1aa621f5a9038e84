import path from 'node:path';

/** The repository root, from this file in tools/course/{src,dist}. */
export const REPOSITORY_ROOT = path.resolve(__dirname, '../../..');
