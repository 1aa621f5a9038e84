import { MessageType, cString, closeMessage, typedMessage } from './protocol';
import { StatementNamespace } from './statement-namespace';

const parse = (name: string, sql: string): Buffer =>
  typedMessage(MessageType.Parse, Buffer.concat([cString(name), cString(sql), Buffer.from([0, 0])]));
const bind = (portal: string, statement: string): Buffer =>
  typedMessage(MessageType.Bind, Buffer.concat([cString(portal), cString(statement), Buffer.from([0, 0, 0, 0, 0, 0])]));
const execute = (portal: string): Buffer =>
  typedMessage(MessageType.Execute, Buffer.concat([cString(portal), Buffer.alloc(4)]));
const describe_ = (kind: 'S' | 'P', name: string): Buffer =>
  typedMessage(MessageType.Describe, Buffer.concat([Buffer.from(kind), cString(name)]));

describe('StatementNamespace', () => {
  it('leaves the unnamed statement and portal alone (the same buffer comes back)', () => {
    const names = new StatementNamespace('c1.');
    for (const message of [
      parse('', 'SELECT 1'),
      bind('', ''),
      execute(''),
      describe_('P', ''),
      closeMessage('S', ''),
    ]) {
      expect(names.rewrite(message)).toBe(message);
    }
  });

  it('prefixes statement and portal names, keeping the lengths right', () => {
    const names = new StatementNamespace('c7.');
    expect(names.rewrite(parse('find-user', 'SELECT $1'))).toEqual(parse('c7.find-user', 'SELECT $1'));
    expect(names.rewrite(bind('page', 'find-user'))).toEqual(bind('c7.page', 'c7.find-user'));
    expect(names.rewrite(bind('', 'find-user'))).toEqual(bind('', 'c7.find-user'));
    expect(names.rewrite(execute('page'))).toEqual(execute('c7.page'));
    expect(names.rewrite(describe_('S', 'find-user'))).toEqual(describe_('S', 'c7.find-user'));
    expect(names.rewrite(closeMessage('P', 'page'))).toEqual(closeMessage('P', 'c7.page'));
  });

  it('closes, on departure, the statements still prepared and not those closed already', () => {
    const names = new StatementNamespace('c2.');
    names.rewrite(parse('a', 'SELECT 1'));
    names.rewrite(parse('b', 'SELECT 2'));
    names.rewrite(closeMessage('S', 'a'));
    expect(names.closeAll()).toEqual([closeMessage('S', 'c2.b')]);
    expect(names.closeAll()).toEqual([]);
  });

  it('passes other messages through', () => {
    const query = typedMessage(MessageType.Query, cString('SELECT 1'));
    expect(new StatementNamespace('c1.').rewrite(query)).toBe(query);
  });
});
