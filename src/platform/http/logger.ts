/**
 * Structured logs. A request line has the route pattern (not the URL, whose query string could
 * hold a search for a child's name), the status, timing, request id and user id: never names,
 * dates of birth, passwords, tokens or cookies.
 */
import type { RequestHandler } from 'express';
import { pino, type DestinationStream, type Logger } from 'pino';

/** `destination` is for tests that read what would be logged; the server logs to standard output. */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  const options = {
    level,
    redact: { paths: ['password', '*.password', 'token', '*.token', 'cookie', '*.cookie', 'req.headers', 'email', '*.email'], censor: '[redacted]' },
  };
  return destination ? pino(options, destination) : pino(options);
}

export function requestLogger(logger: Logger): RequestHandler {
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      logger.info(
        {
          reqId: res.locals.requestId,
          method: req.method,
          route: req.route?.path ?? (res.statusCode === 404 ? '(not found)' : '(middleware)'),
          status: res.statusCode,
          ms: Number((process.hrtime.bigint() - started) / 1000n) / 1000,
          userId: res.locals.actor?.userId,
        },
        'request',
      );
    });
    next();
  };
}
