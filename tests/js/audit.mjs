// Runs graphql-http's GraphQL-over-HTTP audit (the reference suite of the spec) against a
// GraphQL endpoint and prints one JSON document: a count of each status, then every audit
//   {"total": 61, "ok": 61, "notice": 0, "warn": 0, "error": 0,
//    "audits": [{"id": "22EB", "name": "SHOULD ...", "status": "ok"}, ...]}
// A failed audit also has "message" (what it found wrong) and "response" (the status, content
// type and start of the body it was answered with).
// Exit code: 0 when every audit passed, 1 when one did not, 2 on bad arguments or a fatal error.
//
//   node audit.mjs http://127.0.0.1:8000/graphql

import { serverAudits } from "graphql-http";

const BODY_SHOWN = 500;

async function main() {
  const url = process.argv[2];
  if (!url || process.argv.length !== 3) {
    console.error("usage: node audit.mjs <url of the GraphQL endpoint>");
    return 2;
  }
  // An audit may read its response's body before failing (or fail with a clone of it): a copy
  // of each response is kept to show the body whichever it did.
  const copies = new WeakMap();
  async function fetchFn(input, init) {
    const response = await fetch(input, init);
    copies.set(response, response.clone());
    return response;
  }
  async function shown(response) {
    const unread = response.bodyUsed ? copies.get(response) : response;
    const body = unread ? await unread.text() : "";
    return {
      status: response.status,
      contentType: response.headers.get("content-type"),
      body: body.slice(0, BODY_SHOWN),
    };
  }
  const results = await Promise.all(serverAudits({ url, fetchFn }).map(({ fn }) => fn()));
  const audits = [];
  for (const { id, name, status, reason, response } of results) {
    const audit = { id, name, status };
    if (status !== "ok") {
      audit.message = reason;
      audit.response = response ? await shown(response) : null;
    }
    audits.push(audit);
  }
  const count = (status) => audits.filter((audit) => audit.status === status).length;
  const summary = {
    total: audits.length,
    ok: count("ok"),
    notice: count("notice"),
    warn: count("warn"),
    error: count("error"),
    audits,
  };
  console.log(JSON.stringify(summary));
  return summary.ok === summary.total ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(error && error.stack ? error.stack : String(error));
    process.exit(2);
  },
);
