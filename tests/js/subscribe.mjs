// Subscribes to salonbook's bookingEvents with graphql-ws (the reference graphql-transport-ws
// client) and prints one JSON line per thing that happens, for a test to read:
//   {"ready": true}                              the server acknowledged the connection
//   {"event": {...}}                             one bookingEvents payload
//   {"error": [...]}                             GraphQL errors, or the socket failed
//   {"closed": {"code": 4403, "reason": "..."}}  the server closed the socket
//   {"timeout": true}                            --timeout ms passed before --count events
// Exit code: 0 after --count events, 1 on timeout, 2 on bad arguments, 3 on error or close.
//
//   node subscribe.mjs --url ws://127.0.0.1:8000/graphql --token JWT
//     [--filter '{"bookingId": "..."}'] [--after CURSOR] [--count 1] [--timeout 10000]

import { parseArgs } from "node:util";
import { createClient } from "graphql-ws/client";
import WebSocket from "ws";

const EVENTS = `
subscription($filter: BookingEventFilter, $after: String) {
  bookingEvents(filter: $filter, after: $after) {
    cursor kind bookingId booking { id status version } statusChange { toStatus actorRole }
  }
}`;

function options() {
  const { values } = parseArgs({
    options: {
      url: { type: "string" },
      token: { type: "string" },
      filter: { type: "string", default: "{}" },
      after: { type: "string" },
      count: { type: "string", default: "1" },
      timeout: { type: "string", default: "10000" },
    },
  });
  const count = Number(values.count);
  const timeout = Number(values.timeout);
  if (!values.url || !values.token || !(count > 0) || !(timeout > 0)) {
    throw new Error("--url and --token are required; --count and --timeout are positive");
  }
  return { ...values, filter: JSON.parse(values.filter), count, timeout };
}

function say(line) {
  // stdout is a pipe: written synchronously on POSIX, so nothing is lost on exit.
  process.stdout.write(JSON.stringify(line) + "\n");
}

function described(failure) {
  if (Array.isArray(failure)) return failure; // GraphQL errors
  return [failure?.message ?? String(failure)]; // a socket ErrorEvent, or an Error
}

function main() {
  let settings;
  try {
    settings = options();
  } catch (error) {
    process.stderr.write(`${error.message}\n`);
    process.exit(2);
  }
  const client = createClient({
    url: settings.url,
    webSocketImpl: WebSocket,
    connectionParams: { Authorization: `Bearer ${settings.token}` },
    retryAttempts: 0, // a refusal is the answer, not something to retry
    on: { connected: () => say({ ready: true }) },
  });
  let finished = false;
  const finish = (line, code) => {
    if (finished) return; // the first outcome decides
    finished = true;
    say(line);
    client.dispose();
    process.exit(code);
  };
  setTimeout(() => finish({ timeout: true }, 1), settings.timeout);

  let received = 0;
  const variables = { filter: settings.filter, after: settings.after ?? null };
  client.subscribe(
    { query: EVENTS, variables },
    {
      next: (result) => {
        if (finished) return;
        if (result.errors) {
          finish({ error: result.errors }, 3);
          return;
        }
        received += 1;
        if (received < settings.count) say({ event: result.data.bookingEvents });
        else finish({ event: result.data.bookingEvents }, 0);
      },
      error: (failure) => {
        if (typeof failure?.code === "number") {
          finish({ closed: { code: failure.code, reason: failure.reason ?? "" } }, 3);
        } else {
          finish({ error: described(failure) }, 3);
        }
      },
      complete: () => finish({ error: ["the subscription completed early"] }, 3),
    },
  );
}

main();
