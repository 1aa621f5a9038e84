import { HealthError } from './health-error';

/** Two checks with one name would overwrite each other's results in every response. */
export class DuplicateCheckError extends HealthError {
  readonly code = 'DUPLICATE_CHECK';

  constructor(readonly checkName: string) {
    super(`a health check named "${checkName}" is already registered`);
  }
}
