/**
 * RFC 9457 problem details. Route handlers throw these; the error handler turns them into
 * `application/problem+json` responses. Anything that is not an HttpProblem becomes a bare 500.
 */

/** One failing input, named by where it came from: `body.items.0.quantity`, `query.page`. */
export interface FieldError {
  field: string;
  message: string;
}

export interface ProblemOptions {
  /** A stable URI-ish identifier for the kind of problem; defaults to 'about:blank'. */
  type?: string;
  errors?: FieldError[];
  /** Extra response headers, e.g. WWW-Authenticate on a 401. */
  headers?: Record<string, string>;
  cause?: unknown;
}

export class HttpProblem extends Error {
  readonly type: string;
  readonly errors?: FieldError[];
  readonly headers?: Record<string, string>;

  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail?: string,
    options: ProblemOptions = {},
  ) {
    super(detail ?? title, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.type = options.type ?? 'about:blank';
    if (options.errors) this.errors = options.errors;
    if (options.headers) this.headers = options.headers;
  }
}

export class BadRequest extends HttpProblem {
  constructor(detail?: string, options?: ProblemOptions) {
    super(400, 'Bad Request', detail, options);
  }
}

/** 400 whose `errors` name every failing field. */
export class ValidationProblem extends HttpProblem {
  declare readonly errors: FieldError[];

  constructor(errors: FieldError[], detail = 'The request is invalid', options?: Omit<ProblemOptions, 'errors'>) {
    super(400, 'Bad Request', detail, { type: 'urn:problem-type:validation', ...options, errors });
  }
}

export class Unauthorized extends HttpProblem {
  constructor(detail?: string, options?: ProblemOptions) {
    super(401, 'Unauthorized', detail, { ...options, headers: { 'www-authenticate': 'Bearer', ...options?.headers } });
  }
}

export class Forbidden extends HttpProblem {
  constructor(detail?: string, options?: ProblemOptions) {
    super(403, 'Forbidden', detail, options);
  }
}

export class NotFound extends HttpProblem {
  constructor(detail?: string, options?: ProblemOptions) {
    super(404, 'Not Found', detail, options);
  }
}

export class Conflict extends HttpProblem {
  constructor(detail?: string, options?: ProblemOptions) {
    super(409, 'Conflict', detail, options);
  }
}

export class PayloadTooLarge extends HttpProblem {
  constructor(detail?: string, options?: ProblemOptions) {
    super(413, 'Payload Too Large', detail, options);
  }
}

/** 415: a body in a Content-Encoding, charset or type the service does not read. */
export class UnsupportedMediaType extends HttpProblem {
  constructor(detail?: string, options?: ProblemOptions) {
    super(415, 'Unsupported Media Type', detail, options);
  }
}

export class UnprocessableEntity extends HttpProblem {
  constructor(detail?: string, options?: ProblemOptions) {
    super(422, 'Unprocessable Entity', detail, options);
  }
}

/** 429 with `Retry-After` (whole seconds, at least 1): the caller may try again after that long. */
export class TooManyRequests extends HttpProblem {
  readonly retryAfterSeconds: number;

  constructor(retryAfterSeconds: number, detail?: string, options?: ProblemOptions) {
    const seconds = Math.max(1, Math.ceil(retryAfterSeconds));
    super(429, 'Too Many Requests', detail, {
      ...options,
      headers: { ...options?.headers, 'retry-after': String(seconds) },
    });
    this.retryAfterSeconds = seconds;
  }
}

export class ServiceUnavailable extends HttpProblem {
  constructor(detail?: string, options?: ProblemOptions) {
    super(503, 'Service Unavailable', detail, options);
  }
}
