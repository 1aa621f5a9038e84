// Exercise 1: a service registry client, written against Consul's HTTP API with fetch.
//
// Replace every TODO. `npm run exercise -- check 1` grades this file against a real registry and
// tells you which requirement fails, with a hint. The types and errors are in ../contract.ts.
// Consul's API: https://developer.hashicorp.com/consul/api-docs (agent/service, health).
import type { Instance, Registration, RegistryClientOptions } from '../contract.ts';
// The errors to throw are in ../contract too: import RegistryUnavailableError, RegistryRejectedError
// and NoHealthyInstanceError from there as you need them.

export class RegistryClient {
  private readonly options: RegistryClientOptions;

  constructor(options: RegistryClientOptions) {
    this.options = options;
  }

  /**
   * 1. Register with a health check.
   *
   * TODO: PUT `${registryUrl}/v1/agent/service/register` with a JSON body holding ID, Name, Address,
   * Port, Tags, Meta and one HTTP check: { HTTP: healthCheckUrl, Interval, DeregisterCriticalServiceAfter }
   * (defaults: "10s" and "1m"). Send the token as the X-Consul-Token header, on this request and
   * every other one.
   *
   * TODO (3. survive registry failures): when the registry cannot be reached (fetch throws, or it
   * answers 5xx), wait and try again: `registerAttempts` tries in all, waiting `retryDelayMs`, then
   * twice that, and so on; after the last, throw RegistryUnavailableError. A 4xx answer (a bad
   * body, a wrong token) is a refusal: throw RegistryRejectedError at once, without retrying.
   */
  async register(registration: Registration): Promise<void> {
    throw new Error(`TODO: register ${registration.id}`);
  }

  /**
   * TODO: PUT `/v1/agent/service/deregister/<id>`. An id the registry does not know (404) is
   * already gone: not an error.
   */
  async deregister(id: string): Promise<void> {
    throw new Error(`TODO: deregister ${id}`);
  }

  /**
   * 2. Discover.
   *
   * TODO: GET `/v1/health/service/<name>?passing=true` (plus `&tag=<tag>` when a tag is given): the
   * instances whose checks all pass. Map each entry to an Instance: its `Service` has ID, Service
   * (the name), Address, Port, Tags and Meta; when Service.Address is empty, use Node.Address.
   *
   * TODO (3. survive registry failures): remember the last list the registry gave for each query.
   * When the registry cannot be reached, return that list instead; with nothing remembered, throw
   * RegistryUnavailableError.
   */
  async discover(name: string, filter: { tag?: string } = {}): Promise<Instance[]> {
    throw new Error(`TODO: discover ${name} ${filter.tag ?? ''}`);
  }

  /**
   * 2. Load balancing.
   *
   * TODO: the healthy instances of `name` in turn (round robin): with instances a, b, c, successive
   * calls return a, b, c, a, b, c... Leave out every instance reported failed less than
   * `failureCooldownMs` ago (by the `now` clock). With none left, throw NoHealthyInstanceError.
   */
  async next(name: string): Promise<Instance> {
    throw new Error(`TODO: next ${name}`);
  }

  /**
   * 3. Survive instance failures.
   *
   * TODO: a call to this instance just failed. Remember when (by the `now` clock), so that next()
   * skips it for `failureCooldownMs`: the registry's health check will notice too, but only at its
   * next interval.
   */
  reportFailure(instance: Instance): void {
    throw new Error(`TODO: reportFailure ${instance.id}`);
  }
}
