import { sessionIds } from './local-zookeeper';

describe('sessionIds', () => {
  it('reads the session of each client connection, leaving out the one that asked', () => {
    const cons = [
      ' /127.0.0.1:50712[1](queued=0,recved=4,sent=4,sid=0x10000d9c3b50000,lop=PING,est=1733300000000,to=10000)',
      ' /127.0.0.1:50714[1](queued=0,recved=2,sent=2,sid=0x10000d9c3b50001,lop=GETD,est=1733300000001,to=10000)',
      ' /127.0.0.1:50716[0](queued=0,recved=1,sent=0)',
      '',
    ].join('\n');
    expect(sessionIds(cons)).toEqual(['0x10000d9c3b50000', '0x10000d9c3b50001']);
    expect(sessionIds(' /127.0.0.1:50716[0](queued=0,recved=1,sent=0)\n')).toEqual([]);
  });

  it('refuses an answer that is not a listing, so a refused word cannot read as "no sessions"', () => {
    expect(() => sessionIds('cons is not executed because it is not in the whitelist.\n')).toThrow(/cons answered/);
    expect(() => sessionIds('')).toThrow(/cons answered: nothing/);
  });
});
