// PostGraphile v5 as salonbook's benchmark peer: one process, Node's http server, grafserv,
// the Amber preset over the `peer` schema (the write, bench/peer_schema.py) and salonbook's own
// `public` tables (the read). No watch mode, no GraphiQL, no per-request logging. (At start it
// warns that it has no codec for the outboxes' xid8 column, which it then leaves out.)
//
// Each request's claims come from the same HS256 bearer token salonbook gets, verified here
// (PostGraphile v5 leaves verification to the server) and handed to PostgreSQL through
// pgSettings: PostGraphile wraps the request's statements in a transaction that starts with
// set_config(..., true) for each setting (local to that transaction).
//
// The realtime peer: `bookingEvents(stylistId)`, a subscription over graphql-transport-ws
// (grafserv's websockets) built as PostGraphile v5 documents it: Grafast's listen() step on the
// pgSubscriber (one LISTEN connection, a channel per topic) for the topic the status change
// NOTIFYs at commit (`peer_stylist:<stylist id>`, bench/peer_schema.py), and for each event the
// booking: PEER_EVENT_BOOKING=read (PostGraphile's documented pattern) reads it per event and
// subscriber with the subscriber's own claims (`PeerBooking`); =payload (the default, the
// fastest PostGraphile we know how to write) answers from the NOTIFY's payload, the booking as
// the change left it, with no SQL (`PeerBookingState`). A stylist may follow only their own
// bookings, an admin or the system anyone's (salonbook's rule for the same filter).
//
//   PEER_DATABASE_URL=postgres://... PEER_PORT=5678 PEER_JWT_SECRET=... \
//     node_modules/.bin/node server.mjs
import { createServer } from "node:http";

import jwt from "jsonwebtoken";
import { postgraphile } from "postgraphile";
import { jsonParse } from "postgraphile/@dataplan/json";
import { context, lambda, listen } from "postgraphile/grafast";
import { extendSchema, gql } from "postgraphile/utils";
import { makePgService } from "postgraphile/adaptors/pg";
import { grafserv } from "postgraphile/grafserv/node";
import { PostGraphileAmberPreset } from "postgraphile/presets/amber";

const env = (name, fallback) => {
  const value = process.env[name] ?? fallback;
  if (value === undefined) throw new Error(`${name} is not set`);
  return value;
};
const secret = env("PEER_JWT_SECRET");
const host = env("PEER_HOST", "127.0.0.1");
const port = Number(env("PEER_PORT"));
const poolSize = Number(env("PEER_POOL_SIZE", "10")); // salonbook's default pool

// Verified tokens are kept until they expire, as salonbook keeps them (auth/tokens.py).
const KEPT = 10_000;
const verified = new Map();

function claimsOf(authorization) {
  if (!authorization) return null;
  const match = /^Bearer (.+)$/i.exec(authorization);
  if (!match) throw new Error("a Bearer token is needed");
  const token = match[1];
  const now = Date.now() / 1000;
  const kept = verified.get(token);
  if (kept && kept.exp > now) return kept;
  const claims = jwt.verify(token, secret, { algorithms: ["HS256"] });
  if (typeof claims.sub !== "string" || typeof claims.role !== "string") {
    throw new Error("the token names no sub and role");
  }
  if (verified.size >= KEPT) verified.clear();
  const entry = { sub: claims.sub, role: claims.role, exp: claims.exp ?? Infinity };
  verified.set(token, entry);
  return entry;
}

const TOPIC_PREFIX = "peer_stylist:"; // bench/peer_schema.py: TOPIC_PREFIX
const EVENT_BOOKING = env("PEER_EVENT_BOOKING", "payload");
if (!["payload", "read"].includes(EVENT_BOOKING)) throw new Error("PEER_EVENT_BOOKING?");
const SEES_EVERY_STYLIST = new Set(["admin", "system"]);

const BookingEventsPlugin = extendSchema((build) => {
  const bookings = Object.values(build.input.pgRegistry.pgResources).find(
    (r) => !r.parameters && r.codec.extensions?.pg?.schemaName === "peer"
      && r.codec.extensions?.pg?.name === "bookings",
  );
  if (!bookings) throw new Error("no resource for peer.bookings");
  return {
    typeDefs: gql`
      type PeerBookingState {
        rowId: UUID!
        status: String!
        version: Int!
      }
      type PeerBookingEvent {
        cursor: String!
        kind: String!
        bookingId: UUID!
        booking: ${EVENT_BOOKING === "read" ? "PeerBooking" : "PeerBookingState"}
      }
      extend type Subscription {
        bookingEvents(stylistId: UUID!): PeerBookingEvent!
      }
    `,
    objects: {
      Subscription: {
        plans: {
          bookingEvents: {
            subscribePlan(_$root, fieldArgs) {
              const $claims = context().get("claims");
              const $topic = lambda([$claims, fieldArgs.getRaw("stylistId")], ([claims, id]) => {
                if (!claims) throw new Error("sign in first");
                if (!SEES_EVERY_STYLIST.has(claims.role) && claims.sub !== id) {
                  throw new Error("a stylist follows only their own bookings");
                }
                return TOPIC_PREFIX + id;
              });
              return listen(context().get("pgSubscriber"), $topic, jsonParse);
            },
            plan($event) {
              return $event;
            },
          },
        },
      },
      PeerBookingEvent: {
        plans: {
          cursor($event) {
            return lambda($event.get("id"), (id) => String(id));
          },
          kind($event) {
            return $event.get("kind");
          },
          bookingId($event) {
            return $event.get("bookingId");
          },
          booking($event) {
            if (EVENT_BOOKING === "read") return bookings.get({ id: $event.get("bookingId") });
            return $event;
          },
        },
      },
      PeerBookingState: {
        plans: {
          rowId($event) {
            return $event.get("bookingId");
          },
          status($event) {
            return $event.get("status");
          },
          version($event) {
            return $event.get("version");
          },
        },
      },
    },
  };
});

const preset = {
  extends: [PostGraphileAmberPreset],
  plugins: [BookingEventsPlugin],
  pgServices: [
    makePgService({
      connectionString: env("PEER_DATABASE_URL"),
      schemas: ["peer", "public"],
      poolConfig: { max: poolSize },
    }),
  ],
  grafserv: { graphiql: false, graphiqlOnGraphQLGET: false, watch: false, websockets: true },
  grafast: {
    explain: false,
    context(requestContext) {
      // HTTP: the request's Authorization header; websocket: connection_init's payload
      const ws = requestContext.ws;
      const req = requestContext.node?.req ?? ws?.request;
      const authorization = ws
        ? ws.normalizedConnectionParams?.authorization
        : req?.headers.authorization;
      const claims = claimsOf(authorization);
      if (claims === null) return {};
      return {
        claims,
        pgSettings: {
          "jwt.claims.sub": claims.sub,
          "jwt.claims.role": claims.role,
          "request.ip": req?.socket?.remoteAddress ?? "",
          "request.user_agent": req?.headers["user-agent"] ?? "",
        },
      };
    },
  },
};

const pgl = postgraphile(preset);
const serv = pgl.createServ(grafserv);
await pgl.getSchema(); // introspect before listening: the first request finds it ready
const server = createServer();
serv.addTo(server);
server.keepAliveTimeout = 75_000;
server.listen(port, host, () => {
  console.log(`PostGraphile peer on http://${host}:${port}/graphql (Node ${process.version})`);
});

const stop = async () => {
  server.close();
  await pgl.release();
  process.exit(0);
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
