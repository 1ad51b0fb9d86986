/**
 * An audit in the wrong state for what was asked (self-assessing an audit already under way,
 * editing a submitted one). The error pages show the message with status 409: the request was
 * understood, but the audit has moved on.
 */
export class AuditStateError extends Error {
  readonly status = 409;
  readonly expose = true;
}
