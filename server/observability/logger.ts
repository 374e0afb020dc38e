import pino from "pino";
import type { DestinationStream, Logger } from "pino";
import { shortToken } from "../push/log-sender";

/**
 * Fields that may hold a credential wherever they appear (top level or one level down):
 * push tokens and JWTs, the auth secret, Authorization headers and cookies, service
 * account contents. A `token` is shortened (its first characters still tell devices apart
 * in development); everything else is replaced.
 */
const SECRET_FIELDS = ["token", "tokens", "auth", "authorization", "cookie", "secret", "authSecret", "password", "credentials", "private_key", "privateKey"];
const REDACTED_PATHS = SECRET_FIELDS.flatMap((field) => [field, `*.${field}`]);

/** The node's logger: JSON lines with the node id on each, secrets redacted. */
export function createLogger(config: { readonly logLevel: string; readonly nodeId: string }, destination?: DestinationStream): Logger {
  const options: pino.LoggerOptions = {
    level: config.logLevel,
    base: { node: config.nodeId },
    redact: {
      paths: REDACTED_PATHS,
      censor: (value, path) => (path[path.length - 1] === "token" && typeof value === "string" ? shortToken(value) : "[redacted]"),
    },
  };
  return destination ? pino(options, destination) : pino(options);
}
