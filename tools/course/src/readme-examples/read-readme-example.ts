import { commandBlock, expectation, LabDocumentError, type CommandBlock, type LabDocument } from '../lab/lab-document';
import { readMarkdown } from '../markdown/read-markdown';

const FILE_NAME = /^[\w.-]+$/;
const END_OF_FILE = '__README_EXAMPLE_END__';

/**
 * The runnable example of a README (a lib's, say): the blocks marked to run, as one step a runner
 * executes like a lab's. Most of a README is reference and is only shown; the example is:
 *
 * - a fenced block with `file=NAME` (any language): written to NAME before the commands after it run;
 * - an `sh run` block: commands, run in order in one shell;
 * - an `output` block right after an `sh run` block: what it must print (the labs' notation).
 *
 * Undefined when the README has none.
 */
export function readReadmeExample(source: string, file: string): LabDocument | undefined {
  const fail = (line: number, message: string): never => {
    throw new LabDocumentError(file, line, message);
  };
  const commands: CommandBlock[] = [];
  let runs = 0;
  let previousRuns = false;
  for (const node of readMarkdown(source)) {
    if (node.kind !== 'fence') continue;
    const name = node.attributes.get('file');
    if (name !== undefined) {
      if (name === true || !FILE_NAME.test(name)) fail(node.line, 'file= takes a plain file name, as file=example.mts');
      commands.push({ line: node.line, source: writeFile(name as string, node.body), timeoutMs: 10_000 });
      previousRuns = false;
    } else if (node.language === 'sh' && node.attributes.has('run')) {
      commands.push(commandBlock(node, fail, ['run']));
      runs++;
      previousRuns = true;
    } else if (node.language === 'output' && previousRuns) {
      commands[commands.length - 1].expect = expectation(node, fail);
      previousRuns = false;
    } else previousRuns = false;
  }
  if (runs === 0) return undefined;
  return { title: file, steps: [{ number: 1, title: 'the runnable example', line: commands[0].line, commands }] };
}

/** A here-document that writes the block as it is shown: quoted, so the shell expands nothing in it. */
function writeFile(name: string, body: string): string {
  if (body.split('\n').includes(END_OF_FILE)) throw new Error(`a block may not contain the line ${END_OF_FILE}`);
  return `cat > '${name}' <<'${END_OF_FILE}'\n${body}${body.endsWith('\n') ? '' : '\n'}${END_OF_FILE}\n`;
}
