import { OpenWatches } from './open-watches';

class FakeWatch {
  closed = 0;
  constructor(private readonly onClosed: () => void) {}
  close(): void {
    this.closed++;
    this.onClosed();
  }
}

describe('OpenWatches', () => {
  it('holds each watch until it closes itself', () => {
    const watches = new OpenWatches<FakeWatch>();
    const a = watches.add((onClosed) => new FakeWatch(onClosed));
    const b = watches.add((onClosed) => new FakeWatch(onClosed));
    expect([...watches]).toEqual([a, b]);
    a.close();
    expect([...watches]).toEqual([b]);
    expect(watches.size).toBe(1);
  });

  it('closes every open watch once, and returns them', () => {
    const watches = new OpenWatches<FakeWatch>();
    const a = watches.add((onClosed) => new FakeWatch(onClosed));
    const b = watches.add((onClosed) => new FakeWatch(onClosed));
    a.close();
    expect(watches.closeAll()).toEqual([b]);
    expect([a.closed, b.closed]).toEqual([1, 1]);
    expect(watches.size).toBe(0);
  });
});
