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
//   PEER_DATABASE_URL=postgres://... PEER_PORT=5678 PEER_JWT_SECRET=... \
//     node_modules/.bin/node server.mjs
import { createServer } from "node:http";

import jwt from "jsonwebtoken";
import { postgraphile } from "postgraphile";
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

const preset = {
  extends: [PostGraphileAmberPreset],
  pgServices: [
    makePgService({
      connectionString: env("PEER_DATABASE_URL"),
      schemas: ["peer", "public"],
      poolConfig: { max: poolSize },
    }),
  ],
  grafserv: { graphiql: false, graphiqlOnGraphQLGET: false, watch: false, websockets: false },
  grafast: {
    explain: false,
    context(requestContext) {
      const req = requestContext.node?.req;
      const claims = claimsOf(req?.headers.authorization);
      if (claims === null) return {};
      return {
        pgSettings: {
          "jwt.claims.sub": claims.sub,
          "jwt.claims.role": claims.role,
          "request.ip": req.socket.remoteAddress ?? "",
          "request.user_agent": req.headers["user-agent"] ?? "",
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
