import { tracingSettings } from './tracing-settings';

describe('tracingSettings', () => {
  it('is off without an endpoint or an exporter', () => {
    expect(tracingSettings({})).toBeUndefined();
  });

  it('posts to <endpoint>/v1/traces, or to the traces endpoint as given', () => {
    expect(tracingSettings({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://jaeger:4318/' })).toEqual({
      exporter: 'otlp',
      url: 'http://jaeger:4318/v1/traces',
    });
    expect(
      tracingSettings({
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://jaeger:4318',
        OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://tempo:4318/v1/traces',
      }),
    ).toEqual({ exporter: 'otlp', url: 'http://tempo:4318/v1/traces' });
  });

  it("takes OTLP's default endpoint when only the exporter is named, and prints spans with console", () => {
    expect(tracingSettings({ OTEL_TRACES_EXPORTER: 'otlp' })).toEqual({
      exporter: 'otlp',
      url: 'http://localhost:4318/v1/traces',
    });
    expect(tracingSettings({ OTEL_TRACES_EXPORTER: 'console' })).toEqual({ exporter: 'console' });
  });

  it('stays off when the SDK is disabled or the exporter is none, whatever the endpoint', () => {
    const endpoint = { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://jaeger:4318' };
    expect(tracingSettings({ ...endpoint, OTEL_SDK_DISABLED: 'true' })).toBeUndefined();
    expect(tracingSettings({ ...endpoint, OTEL_TRACES_EXPORTER: 'none' })).toBeUndefined();
  });
});
