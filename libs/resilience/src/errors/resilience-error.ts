/** Base of every error a call policy raises itself (as opposed to errors from the call). */
export abstract class ResilienceError extends Error {
  abstract readonly code: string;

  constructor(
    message: string,
    /** Name of the policy (the dependency) that raised it. */
    readonly policy: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}
