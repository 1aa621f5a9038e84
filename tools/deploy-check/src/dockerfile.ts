import { readFileSync } from 'node:fs';

export interface DockerInstruction {
  /** Upper-case keyword: FROM, RUN, COPY, CMD, ... */
  keyword: string;
  /** Everything after the keyword, continuation lines joined. */
  args: string;
  line: number;
}

export interface DockerStage {
  name?: string;
  base: string;
  instructions: DockerInstruction[];
}

export interface ParsedDockerfile {
  /** ARG instructions before the first FROM. */
  globalArgs: DockerInstruction[];
  stages: DockerStage[];
}

/**
 * A Dockerfile as instructions grouped by stage: comments and parser directives dropped, lines
 * continued with a trailing backslash joined. Heredocs are not supported (none is used here).
 */
export function parseDockerfile(text: string): ParsedDockerfile {
  const instructions: DockerInstruction[] = [];
  let current: DockerInstruction | undefined;
  text.split('\n').forEach((raw, index) => {
    const line = raw.trimEnd();
    if (current === undefined && (/^\s*#/.test(line) || line.trim() === '')) return;
    if (current !== undefined && /^\s*#/.test(line)) return; // comments inside a continued instruction
    const continues = line.endsWith('\\');
    const content = continues ? line.slice(0, -1) : line;
    if (current === undefined) {
      const match = /^\s*([A-Za-z]+)\s*(.*)$/.exec(content);
      if (!match) throw new Error(`Dockerfile line ${index + 1}: not an instruction`);
      current = { keyword: match[1].toUpperCase(), args: match[2].trim(), line: index + 1 };
    } else {
      current.args = `${current.args} ${content.trim()}`.trim();
    }
    if (!continues) {
      instructions.push(current);
      current = undefined;
    }
  });
  if (current) instructions.push(current);

  const parsed: ParsedDockerfile = { globalArgs: [], stages: [] };
  for (const instruction of instructions) {
    if (instruction.keyword === 'FROM') {
      const match = /^(?:--platform=\S+\s+)?(\S+)(?:\s+AS\s+(\S+))?$/i.exec(instruction.args);
      if (!match) throw new Error(`Dockerfile line ${instruction.line}: cannot read FROM ${instruction.args}`);
      parsed.stages.push({ base: match[1], name: match[2], instructions: [] });
    } else if (parsed.stages.length === 0) {
      parsed.globalArgs.push(instruction);
    } else {
      parsed.stages[parsed.stages.length - 1].instructions.push(instruction);
    }
  }
  return parsed;
}

export function readDockerfile(file: string): ParsedDockerfile {
  return parseDockerfile(readFileSync(file, 'utf8'));
}

/** The JSON array of an exec-form instruction (CMD ["node", "main.js"]), or undefined for shell form. */
export function execForm(args: string): string[] | undefined {
  const withoutOptions = args.replace(/^(?:--\S+\s+)*(?:CMD\s+)?/i, '');
  if (!withoutOptions.startsWith('[')) return undefined;
  return JSON.parse(withoutOptions) as string[];
}
