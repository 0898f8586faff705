// Errors the client raises: one class per kind of failure, each carrying what
// the server said, so callers (the occi command, the console) can tell a
// missing entity from a refused action or an expired token.

export interface ServerAnswer {
  status: number;
  /** The server's own message (error body text or JSON error message). */
  message: string;
  /** X-Request-Id of the answer, when the server sent one. */
  requestId?: string;
  method: string;
  url: string;
}

export class OcciClientError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** The server answered with an error status. */
export class OcciHttpError extends OcciClientError {
  readonly status: number;
  readonly serverMessage: string;
  readonly requestId?: string;
  readonly method: string;
  readonly url: string;
  constructor(answer: ServerAnswer, hint = '') {
    const said = answer.message.trim() === '' ? `${answer.status}` : `${answer.status}: ${answer.message.trim()}`;
    super(`${answer.method} ${answer.url} failed with ${said}${hint ? ` (${hint})` : ''}`);
    this.status = answer.status;
    this.serverMessage = answer.message;
    this.requestId = answer.requestId;
    this.method = answer.method;
    this.url = answer.url;
  }
}

/** 400, 405, 406, 413, 415: the request was wrong. */
export class BadRequestError extends OcciHttpError {}
/** 401 or 403: no, wrong or insufficient credentials. */
export class AuthError extends OcciHttpError {}
/** 404 or 410. */
export class NotFoundError extends OcciHttpError {}
/** 409: the request conflicts with the entity's state or another category. */
export class ConflictError extends OcciHttpError {}
/** 429, 5xx: the server or the cloud behind it failed. */
export class ServerError extends OcciHttpError {}

export function httpError(answer: ServerAnswer, hint?: string): OcciHttpError {
  const s = answer.status;
  if (s === 401 || s === 403) return new AuthError(answer, hint);
  if (s === 404 || s === 410) return new NotFoundError(answer, hint);
  if (s === 409) return new ConflictError(answer, hint);
  if (s >= 500 || s === 429) return new ServerError(answer, hint);
  return new BadRequestError(answer, hint);
}

/** The server could not be reached, or the request did not finish in time. */
export class ConnectionError extends OcciClientError {}

/** The server's answer could not be understood as OCCI. */
export class ProtocolError extends OcciClientError {}

/** A name matched nothing or several things (`--os-tpl Debain`, an ambiguous title). */
export class LookupError extends OcciClientError {
  constructor(
    message: string,
    readonly candidates: readonly string[] = [],
  ) {
    super(message);
  }
}

/** A wait ended because its deadline passed. */
export class WaitTimeoutError extends OcciClientError {
  constructor(
    message: string,
    readonly lastState: string | undefined,
  ) {
    super(message);
  }
}

/** A wait ended because the entity reached `error` (or another failure state). */
export class EntityFailedError extends OcciClientError {
  constructor(
    message: string,
    readonly state: string,
    readonly stateMessage: string | undefined,
  ) {
    super(message);
  }
}
