import { kustomizeSupport } from './kubectl-kustomize';

describe('kustomizeSupport', () => {
  it('accepts a kubectl whose kustomize is v5 or newer', () => {
    expect(kustomizeSupport('Client Version: v1.32.4\nKustomize Version: v5.5.0\n')).toEqual({
      available: true,
      kustomizeVersion: 'v5.5.0',
    });
  });

  it("refuses Debian's kubectl 1.20, whose kustomize v2 cannot read these kustomizations, and says why", () => {
    const debian =
      'Client Version: version.Info{Major:"1", Minor:"20", GitVersion:"v1.20.2", GitCommit:"faecb19", Platform:"linux/amd64"}\n';
    expect(kustomizeSupport(debian)).toEqual({
      available: false,
      reason: 'kubectl 1.20.2 reports no kustomize version',
    });
    expect(kustomizeSupport('Client Version: v1.26.1\nKustomize Version: v4.5.7\n')).toEqual({
      available: false,
      reason: 'kubectl 1.26.1 has kustomize v4.5.7; v5 or newer (kubectl 1.27+) is needed',
    });
  });
});
