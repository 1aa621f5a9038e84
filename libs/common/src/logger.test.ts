import { silentLogger, type Logger } from './logger';

describe('silentLogger', () => {
  it('accepts every level and says nothing', () => {
    const write = jest.spyOn(process.stdout, 'write');
    const writeError = jest.spyOn(process.stderr, 'write');
    try {
      for (const level of ['debug', 'info', 'warn', 'error'] as const) {
        expect(silentLogger[level]({ a: 1 }, 'message')).toBeUndefined();
      }
      expect(write).not.toHaveBeenCalled();
      expect(writeError).not.toHaveBeenCalled();
    } finally {
      write.mockRestore();
      writeError.mockRestore();
    }
  });

  it('cannot be changed by one lib for all the others', () => {
    expect(Object.isFrozen(silentLogger)).toBe(true);
  });

  it('is the shape a recording logger (or pino) implements', () => {
    const lines: string[] = [];
    const recording: Logger = {
      debug: (_o, m) => void lines.push(`debug ${m}`),
      info: (_o, m) => void lines.push(`info ${m}`),
      warn: (_o, m) => void lines.push(`warn ${m}`),
      error: (_o, m) => void lines.push(`error ${m}`),
    };
    recording.warn({}, 'careful');
    expect(lines).toEqual(['warn careful']);
  });
});
