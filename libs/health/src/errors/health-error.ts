/** Base of the errors this lib throws; `code` is stable, the message is for people. */
export abstract class HealthError extends Error {
  abstract readonly code: string;

  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}
