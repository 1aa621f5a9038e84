import { HttpProblem } from '@lab/service-kit';

/** The upstream could not be reached (and no retry was safe or left), or answered with garbage. */
export class BadGateway extends HttpProblem {
  constructor(detail: string) {
    super(502, 'Bad Gateway', detail);
  }
}

/** The upstream took longer than the gateway's per-attempt timeout to start answering. */
export class GatewayTimeout extends HttpProblem {
  constructor(detail: string) {
    super(504, 'Gateway Timeout', detail);
  }
}
