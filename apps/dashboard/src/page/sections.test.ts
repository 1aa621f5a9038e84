import { instanceView } from '../../test/support/instance-view';
import type { InstanceView, ServiceView, SystemView } from '../view/system-view';
import { dashboardPage } from './layout';
import { configSection, instancesSection, renderSections, trafficSection } from './sections';

/** An instance whose settings are read and that defines no flag. */
function instance(id: string): InstanceView {
  return instanceView(id, {
    config: { status: { version: 1, rejections: 0 }, settings: [{ path: 'logLevel', value: 'info', source: 'file' }] },
  });
}

function view(services: Partial<ServiceView>[], patch: Partial<SystemView> = {}): SystemView {
  return {
    at: '2026-01-01T00:00:00.000Z',
    registry: 'consul',
    services: services.map((s) => ({
      name: 'order-service',
      instances: [],
      failing: [],
      stale: false,
      routes: [],
      ...s,
    })),
    gatewaySplit: [],
    servedByVersion: [],
    ...patch,
  };
}

/** The markup without the white space the templates carry around their tags. */
const flat = (markup: { text: string }) => markup.text.replace(/>\s+/g, '>').replace(/\s+</g, '<').replace(/\s+/g, ' ');

describe('the sections', () => {
  it('gives every table a caption and its column headings, and an empty one a row across every column', () => {
    const markup = flat(instancesSection(view([{ name: 'a&b' }])));
    expect(markup).toContain('<table class="instances" data-service="a&amp;b"><caption>a&amp;b: 0 healthy instances');
    expect(markup.match(/<th scope="col">/g)).toHaveLength(6);
    expect(markup).toContain(
      '<th scope="col">Instance</th><th scope="col">Version</th><th scope="col">Zone</th><th scope="col">Address</th>',
    );
    expect(markup).toContain('<tbody><tr><td colspan="6">No instance registered.</td></tr></tbody>');

    const traffic = flat(trafficSection(view([])));
    expect(traffic).toContain('<table class="routes">');
    expect(traffic).toContain('<td colspan="5">No requests in the window.</td>');
    expect(traffic).toContain('<table class="split">');
    expect(traffic).toContain('<td colspan="3">No traffic yet.</td>');
  });

  it('lists the rows it is given, and no empty row beside them', () => {
    const one = flat(instancesSection(view([{ instances: [instance('order-service-1')] }])));
    expect(one).toContain('order-service: 1 healthy instance</caption>');
    expect(one).toContain('<tr data-instance="order-service-1"><th scope="row">order-service-1</th><td>v1</td>');
    expect(one).not.toContain('No instance registered.');

    const split = flat(
      trafficSection(
        view([], {
          servedByVersion: [
            { service: 'product-service', version: 'v1', requestsPerSecond: 3 },
            { service: 'product-service', version: '', requestsPerSecond: 1 },
          ],
        }),
      ),
    );
    expect(split).toContain('Requests served by version (the gateway reports no version label)');
    expect(split).toContain(
      '<tr data-upstream="product-service" data-version="v1"><th scope="row">product-service v1</th>',
    );
    expect(split).toContain('<th scope="row">product-service (no version)</th>');
    expect(split).not.toContain('No traffic yet.');
  });

  it('says when a service has no flag, and leaves the settings table without a filler row', () => {
    const markup = flat(configSection(view([{ instances: [instance('order-service-1')] }])));
    expect(markup).toContain('<caption>Feature flags (as order-service-1 holds them)</caption>');
    expect(markup).toContain('<td colspan="4">No flag defined.</td>');
    expect(markup).toContain(
      '<caption>Settings of order-service-1</caption><thead><tr><th scope="col">Setting</th><th scope="col">Value</th><th scope="col">Layer</th></tr></thead><tbody><tr data-setting="logLevel">',
    );
  });

  it('renders exactly the sections the page has a live container for', () => {
    const v = view([{ instances: [instance('order-service-1')] }]);
    const page = dashboardPage(v, { changes: [], services: ['order-service'] }).text;
    const ids = Object.keys(renderSections(v));
    expect(ids.sort()).toEqual(['config', 'dependencies', 'instances', 'status', 'traffic']);
    for (const id of ids) expect(page).toMatch(new RegExp(`id="${id}" class="live"`));
    expect([...page.matchAll(/id="([^"]+)" class="live"/g)].map((m) => m[1]).sort()).toEqual(ids);
  });
});
