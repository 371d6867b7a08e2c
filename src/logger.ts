import pino, { type Logger } from 'pino';

export type { Logger };

/** Structured JSON logs. Credentials are redacted wherever they appear in a logged object. */
export function createLogger(level: string, base: Record<string, unknown> = {}): Logger {
  return pino({
    level,
    base: { service: 'rsystems', ...base },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: {
      paths: [
        'password',
        '*.password',
        'passwordHash',
        '*.passwordHash',
        'token',
        '*.token',
        'newPassword',
        '*.newPassword',
        'currentPassword',
        '*.currentPassword',
        'config.ops.adminPassword',
        'config.http.metricsToken',
        'req.headers.authorization',
        'req.headers.cookie',
        'headers.authorization',
        'config.auth.tokenSecret',
        'config.database.url',
      ],
      censor: '[redacted]',
    },
  });
}
