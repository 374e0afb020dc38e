import fc from "fast-check";
import type { ClientEvent, Role } from "../../shared/protocol";
import { CLIENT_EVENTS, PATTERNS_BY_VARIANT, parsePayload } from "../../shared/protocol";

/**
 * What the garbage fuzzer (tests/fuzz/garbage-events.test.ts) sends: arbitraries for every
 * client event's payload and argument list, built from the protocol's own schemas (each
 * field valid, near-valid, junk or missing), and the answer the protocol alone requires.
 */

const EVENT_NAMES = Object.keys(CLIENT_EVENTS) as ClientEvent[];
export const SENDERS = ["host", "otherHost", "player", "otherPlayer"] as const;
export type Sender = (typeof SENDERS)[number];
const ROLE_OF: Record<Sender, Role> = { host: "host", otherHost: "host", player: "player", otherPlayer: "player" };

/** A slot in a generated payload that the run fills with one of its game ids. */
const GAME = Symbol("game");
type GamePick = { readonly [GAME]: number };
/** A long string, made only when sent, so that a failure's report names its length instead of printing it. */
const LONG = Symbol("long");
type LongText = { readonly [LONG]: number };

/** Binary stand-in: socket.io sends it as an attachment; the server sees a Buffer. */
const binaryArb = fc.uint8Array({ maxLength: 64 }).map((bytes) => Buffer.from(bytes));
const FIELD_KEYS = [...new Set(EVENT_NAMES.flatMap((event) => schemaKeys(event)))];
const nastyKey = fc.constantFrom("__proto__", "constructor", "prototype", "toString", "valueOf", "hasOwnProperty", "then", "length", ...FIELD_KEYS);

/** Own enumerable properties, `__proto__` included, as JSON.parse makes them. */
function objectOf(entries: readonly (readonly [string, unknown])[]): Record<string, unknown> {
  const object: Record<string, unknown> = {};
  for (const [key, value] of entries) Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true });
  return object;
}

/** `depth` levels of arrays or objects around `leaf`; reported by its depth (fast-check's printer would overflow the stack). */
function nested(depth: number, leaf: unknown, asObject: boolean): unknown {
  let value = materialize(leaf, []);
  for (let i = 0; i < depth; i++) value = asObject ? { a: value } : [value];
  const shown = `${depth} levels of ${asObject ? "{ a: ... }" : "[ ... ]"} around ${fc.stringify(leaf).slice(0, 80)}`;
  Object.defineProperty(value, fc.toStringMethod, { value: () => shown, enumerable: false });
  return value;
}

export function junkArb(bigString: fc.Arbitrary<LongText>): fc.Arbitrary<unknown> {
  const leaf = fc.oneof(
    fc.string({ maxLength: 20 }),
    fc.string({ unit: "binary", maxLength: 20 }),
    fc.integer(),
    fc.double(),
    fc.boolean(),
    fc.constantFrom(null, undefined, NaN, Infinity, -Infinity, -0, 2 ** 53, -(2 ** 53), 1e21, 0.5),
    bigString,
    binaryArb,
  );
  const { value } = fc.letrec<{ value: unknown }>((tie) => ({
    value: fc.oneof(
      { depthSize: "small", withCrossShrink: true },
      leaf,
      fc.array(tie("value"), { maxLength: 4 }),
      fc.array(fc.tuple(fc.oneof(nastyKey, fc.string({ maxLength: 8 })), tie("value")), { maxLength: 4 }).map(objectOf),
    ),
  }));
  return fc.oneof(
    { weight: 6, arbitrary: value },
    { weight: 1, arbitrary: fc.tuple(fc.integer({ min: 50, max: 1000 }), value, fc.boolean()).map(([d, v, o]) => nested(d, v, o)) },
    { weight: 1, arbitrary: fc.constantFrom(objectOf([["__proto__", { polluted: "yes", ok: true }]]), { constructor: { prototype: { polluted: "yes" } } }) },
  );
}

/** The keys of an event's payload schema (all of them optional here: a missing one is a case too). */
function schemaKeys(event: ClientEvent): string[] {
  const schema = CLIENT_EVENTS[event].schema as unknown as { shape?: Record<string, unknown> };
  return Object.keys(schema.shape ?? {});
}

/** For each payload field the protocol knows: values that are valid, near-valid or junk. */
export function fieldArbs(junk: fc.Arbitrary<unknown>, bigString: fc.Arbitrary<LongText>): Record<string, fc.Arbitrary<unknown>> {
  const pick = fc.nat(10).map((n): GamePick => ({ [GAME]: n }));
  const small = (min: number, max: number) => fc.oneof({ weight: 8, arbitrary: fc.integer({ min, max }) }, fc.integer(), junk);
  return {
    gameId: fc.oneof({ weight: 12, arbitrary: pick }, fc.stringMatching(/^[A-Za-z0-9_-]{1,64}$/), fc.string({ maxLength: 70 }), junk),
    totalSlots: small(1, 60),
    maxPerPlayer: small(1, 5),
    count: small(1, 6),
    cardId: small(1, 60),
    index: small(0, 89),
    intervalMs: fc.oneof({ weight: 2, arbitrary: fc.constant(null) }, small(250, 2000)),
    requestId: fc.oneof({ weight: 8, arbitrary: fc.constantFrom("r1", "r2", "r3") }, fc.string({ maxLength: 70 }), bigString, junk),
    enabled: fc.oneof({ weight: 8, arbitrary: fc.boolean() }, junk),
    token: fc.oneof({ weight: 8, arbitrary: fc.string({ minLength: 1, maxLength: 40 }) }, bigString, junk),
    platform: fc.oneof({ weight: 8, arbitrary: fc.constantFrom("android", "ios", "web") }, junk),
    state: fc.oneof({ weight: 8, arbitrary: fc.constantFrom("foreground", "background") }, junk),
    title: fc.oneof({ weight: 8, arbitrary: fc.string({ maxLength: 130 }) }, bigString, junk),
    variant: fc.oneof({ weight: 8, arbitrary: fc.constantFrom(75, 90) }, junk),
    patterns: fc.oneof(
      { weight: 8, arbitrary: fc.subarray([...new Set(Object.values(PATTERNS_BY_VARIANT).flat())]).chain((names) => fc.shuffledSubarray(names)) },
      fc.array(fc.string(), { maxLength: 4 }),
      junk,
    ),
    prizes: fc.oneof({ weight: 8, arbitrary: fc.array(fc.nat(1_000_000), { minLength: 1, maxLength: 3 }) }, junk),
  };
}

/** A payload for `event`: its own fields (each valid, near-valid, junk or missing), sometimes others. */
function payloadArb(event: ClientEvent, fields: Record<string, fc.Arbitrary<unknown>>, junk: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> {
  // A field is missing now and then (undefined is left out on the wire).
  const own = Object.fromEntries(schemaKeys(event).map((key) => [key, fc.oneof({ weight: 12, arbitrary: fields[key] ?? junk }, fc.constant(undefined))]));
  const record = fc
    .tuple(fc.record(own), fc.array(fc.tuple(nastyKey, junk), { maxLength: 2 }))
    .map(([known, extra]) => objectOf([...Object.entries(known), ...extra]));
  return fc.oneof({ weight: 6, arbitrary: record }, { weight: 1, arbitrary: junk });
}

export type Placement = "last" | "none" | "first" | "middle";

export interface Emission {
  readonly sender: Sender;
  readonly event: ClientEvent | string | number;
  /** Everything sent before the ack (or instead of it). */
  readonly args: readonly unknown[];
  readonly ack: Placement;
}

export function emissionArb(fields: Record<string, fc.Arbitrary<unknown>>, junk: fc.Arbitrary<unknown>): fc.Arbitrary<Emission> {
  const known = fc.constantFrom(...EVENT_NAMES).chain((event) => {
    const allowed = SENDERS.filter((sender) => CLIENT_EVENTS[event].roles.includes(ROLE_OF[sender]));
    return fc.record({
      // Mostly a sender whose role may send it (the first twice as often: the host owns the run's games), so that handlers are reached.
      sender: fc.oneof({ weight: 3, arbitrary: fc.constantFrom(allowed[0], ...allowed) }, { weight: 1, arbitrary: fc.constantFrom(...SENDERS) }),
      event: fc.constant(event),
      args: fc.oneof(
        { weight: 8, arbitrary: payloadArb(event, fields, junk).map((p) => [p]) },
        fc.constant([]),
        fc.tuple(payloadArb(event, fields, junk), fc.array(junk, { minLength: 1, maxLength: 3 })).map(([p, extra]) => [p, ...extra]),
      ),
      ack: fc.constantFrom<Placement>("last", "last", "last", "last", "none", "first", "middle"),
    });
  });
  // Events the server does not know get no ack (there is nothing to answer them), so none is sent.
  const unknown = fc.record({
    sender: fc.constantFrom(...SENDERS),
    event: fc.oneof(fc.constantFrom("__proto__", "constructor", "toString", "hasOwnProperty", "game:unknown", "", "cards:claim "), fc.integer(), fc.string()),
    args: fc.array(junk, { maxLength: 2 }),
    ack: fc.constant<Placement>("none"),
  });
  return fc.oneof({ weight: 12, arbitrary: known }, { weight: 1, arbitrary: unknown });
}

/** The value a server receives for `value` (JSON, with Buffers as Buffers). */
function onTheWire(value: unknown, inArray = false): unknown {
  if (value === undefined || typeof value === "function") return inArray ? null : undefined;
  if (Buffer.isBuffer(value)) return value;
  if (typeof value === "number") return Number.isFinite(value) ? (Object.is(value, -0) ? 0 : value) : null;
  if (Array.isArray(value)) return value.map((item) => onTheWire(item, true));
  if (typeof value === "object" && value !== null) {
    return objectOf(
      Object.keys(value)
        .map((key) => [key, onTheWire((value as Record<string, unknown>)[key])] as const)
        .filter(([, v]) => v !== undefined),
    );
  }
  return value;
}

/** Bytes of the packet (text part, and the largest attachment): a frame over the server's limit drops the connection. */
export function frameBytes(args: readonly unknown[]): number {
  let largest = 0;
  const text = JSON.stringify(args, (_key, value: unknown) => {
    if (value && typeof value === "object" && (value as { type?: unknown }).type === "Buffer" && Array.isArray((value as { data?: unknown }).data)) {
      largest = Math.max(largest, (value as { data: unknown[] }).data.length);
      return { _placeholder: true, num: 0 };
    }
    return value;
  });
  return Math.max(Buffer.byteLength(text ?? ""), largest);
}

/**
 * Binary attachments in an emission's arguments. socket.io-parser (4.2.7) closes a connection
 * whose packet announces more than its `maxAttachments` (10), before anything is parsed:
 * like an oversize frame, that costs only the sender's own connection (by design).
 */
export function attachmentCount(value: unknown): number {
  if (Buffer.isBuffer(value) || value instanceof ArrayBuffer || ArrayBuffer.isView(value)) return 1;
  if (!value || typeof value !== "object") return 0;
  let count = 0;
  for (const item of Array.isArray(value) ? value : Object.values(value)) count += attachmentCount(item);
  return count;
}

/** socket.io-parser's default limit of binary attachments per packet. */
export const MAX_ATTACHMENTS = 10;

/** What is sent for a generated value: the run's game ids in the game slots, long strings spelled out. */
export function materialize(value: unknown, games: readonly string[]): unknown {
  if (!value || typeof value !== "object" || Buffer.isBuffer(value)) return value;
  if (GAME in value) return games[(value as GamePick)[GAME] % games.length];
  if (LONG in value) return "x".repeat((value as LongText)[LONG]);
  // Deep nesting is built from materialized parts already (and would overflow this recursion).
  if (fc.hasToStringMethod(value)) return value;
  if (Array.isArray(value)) return value.map((item) => materialize(item, games));
  return objectOf(Object.keys(value).map((key) => [key, materialize((value as Record<string, unknown>)[key], games)]));
}

export function longText(maxLength: number): fc.Arbitrary<LongText> {
  return fc.integer({ min: 1, max: maxLength }).map((n) => {
    const text = { [LONG]: n };
    Object.defineProperty(text, fc.toStringMethod, { value: () => `"x".repeat(${n})`, enumerable: false });
    return text;
  });
}

/** Events that, valid and from the right role, cannot be refused (for a game that exists). */
const ALWAYS_DONE: ReadonlySet<string> = new Set<ClientEvent>(["game:create", "game:join", "bingo:auto", "push:register", "push:unregister", "app:state"]);

/**
 * What the answer must be, from the protocol alone: the gateway's refusal (wrong role, wrong
 * argument count, a payload its schema rejects), "ok" for a valid request that nothing
 * can refuse, or null when the game's state decides.
 */
export function requiredOutcome(emission: Emission, games: readonly string[]): "FORBIDDEN" | "BAD_REQUEST" | "ok" | null {
  const event = emission.event as ClientEvent;
  if (!CLIENT_EVENTS[event].roles.includes(ROLE_OF[emission.sender])) return "FORBIDDEN";
  if (emission.args.length !== 1) return "BAD_REQUEST";
  const parsed = parsePayload(event, onTheWire(emission.args[0], true));
  if (!parsed.ok) return "BAD_REQUEST";
  const gameId = (parsed.value as { gameId?: string }).gameId;
  return ALWAYS_DONE.has(event) && (gameId === undefined || games.includes(gameId)) ? "ok" : null;
}
