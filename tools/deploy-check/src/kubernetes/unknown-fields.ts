import path from 'node:path';
import ts from 'typescript';
import type { KubeObject } from '../kube-object';
import { modelModule, objectId, type ObjectProblem } from './schema-validation';

/** Parsed declaration files, shared by every check: parsing them is most of the cost. */
const declarationCache = new Map<string, ts.SourceFile | undefined>();

/**
 * Unknown fields, which the OpenAPI validators let through (`livenesProbe:` is simply ignored by the
 * API server, and the pod runs without a liveness probe). Each object is written as a TypeScript
 * constant typed with its kubernetes-models interface, and the compiler's excess-property check
 * names every field the type does not have, and every value of the wrong type.
 */
export function findUnknownFields(objects: readonly KubeObject[], o: { partial?: boolean } = {}): ObjectProblem[] {
  const problems: ObjectProblem[] = [];
  // A patch is a partial object: every field optional, but still only the fields of its kind.
  const lines: string[] = [
    'type DeepPartial<T> = T extends readonly (infer U)[] ? DeepPartial<U>[] : T extends object ? { [K in keyof T]?: DeepPartial<T[K]> } : T;',
  ];
  const owners: { firstLine: number; id: string }[] = [];
  objects.forEach((object, index) => {
    const modulePath = modelModule(object.apiVersion, object.kind);
    if (!modulePath) {
      problems.push({ object: objectId(object), message: `no types known for ${object.apiVersion}` });
      return;
    }
    owners.push({ firstLine: lines.length, id: objectId(object) });
    const type = o.partial ? `DeepPartial<T${index}>` : `T${index}`;
    lines.push(`import type { I${object.kind} as T${index} } from ${JSON.stringify(modulePath)};`);
    lines.push(...`export const o${index}: ${type} = ${JSON.stringify(object, null, 1)};`.split('\n'));
  });

  // A file beside this package, so that module resolution finds kubernetes-models from here.
  const fileName = path.join(__dirname, '..', '..', '__manifests__.mts');
  const source = lines.join('\n');
  const options: ts.CompilerOptions = {
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    types: [],
    lib: ['lib.es2022.d.ts'],
  };
  const host = ts.createCompilerHost(options);
  const readFile = host.readFile.bind(host);
  const fileExists = host.fileExists.bind(host);
  const getSourceFile = host.getSourceFile.bind(host);
  host.readFile = (name) => (name === fileName ? source : readFile(name));
  host.fileExists = (name) => name === fileName || fileExists(name);
  host.getSourceFile = (name, version, onError, create) => {
    if (name === fileName) return ts.createSourceFile(name, source, version);
    if (!declarationCache.has(name)) declarationCache.set(name, getSourceFile(name, version, onError, create));
    return declarationCache.get(name);
  };

  const program = ts.createProgram([fileName], options, host);
  for (const diagnostic of ts.getPreEmitDiagnostics(program)) {
    const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n');
    if (diagnostic.file?.fileName !== fileName || diagnostic.start === undefined) {
      problems.push({ object: '(type check)', message });
      continue;
    }
    const { line } = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start);
    const owner = [...owners].reverse().find((candidate) => candidate.firstLine <= line);
    const field = diagnostic.file.text.split('\n')[line].trim();
    // The type printout can run to pages: its start says enough.
    const first = message.split('\n')[0];
    const short = first.length > 240 ? `${first.slice(0, 240)}...` : first;
    problems.push({ object: owner?.id ?? '(unknown)', message: `${short} (at ${field})` });
  }
  return problems;
}
