// bookingEvents over graphql-transport-ws (the graphql-ws client): the token goes in
// connection_init; after every (re)connection the feed is subscribed again from the last
// cursor seen, so a disconnect or a server restart leaves no gap and no duplicate.
import { createClient, type Client } from "graphql-ws/client";
import { EVENTS } from "./documents";
import { store } from "./store";
import type { BookingEvent, ScheduleChangeNotice } from "./types";

const TOKEN_REFUSED = 4403;
const KEEP_ALIVE = 10_000;
const PONG_WITHIN = 5_000;
let socket: WebSocket | null = null;
let pongTimer: number | undefined;
let client: Client | null = null;
let generation = 0; // the current client's: a disposed client's late events are ignored
let unsubscribe: (() => void) | null = null;
let lastCursor: string | null = null;
let everConnected = false;
let socketOpen = false;
const seen = new Set<string>(); // cursors applied lately: a duplicate is dropped

function closeCode(event: unknown): number | undefined {
  return typeof event === "object" && event !== null && "code" in event
    ? Number((event as { code: unknown }).code)
    : undefined;
}

/** What the feed cannot do by itself: sign the page out, refetch what is shown. */
export interface LiveHooks {
  sessionEnded: () => void;
  resync: () => void;
  /** A schedule edit (working hours, time off, closures, the salon's settings). */
  scheduleChanged: (notice: ScheduleChangeNotice | null | undefined) => void;
}

let hooks: LiveHooks = {
  sessionEnded: () => undefined,
  resync: () => undefined,
  scheduleChanged: () => undefined,
};

export function startLive(token: string, given: LiveHooks): void {
  stopLive();
  hooks = given;
  lastCursor = null;
  everConnected = false;
  socketOpen = false;
  seen.clear();
  store.update({ connection: "Connecting…" });
  const mine = ++generation;
  const url = `${location.protocol === "https:" ? "wss:" : "ws:"}//${location.host}/graphql`;
  const live = createClient({
    url,
    lazy: false,
    retryAttempts: Infinity,
    connectionParams: () => ({ Authorization: `Bearer ${store.state.token ?? token}` }),
    shouldRetry: (event) => closeCode(event) !== TOKEN_REFUSED,
    retryWait: async (retries) => {
      const ceiling = Math.min(1000 * 2 ** retries, 15_000); // exponential, with full jitter
      await new Promise((resolve) => setTimeout(resolve, 250 + Math.random() * ceiling));
    },
    keepAlive: KEEP_ALIVE,
    on: {
      // a socket that answers no ping within PONG_WITHIN is dead (a network gone quietly):
      // closed here, so the client reconnects and resumes
      ping: (received) => {
        if (received) return;
        pongTimer = window.setTimeout(() => {
          if (socket?.readyState === WebSocket.OPEN) socket.close(4408, "no pong");
        }, PONG_WITHIN);
      },
      pong: (received) => received && window.clearTimeout(pongTimer),
      connecting: () => {
        if (generation === mine) store.update({ connection: everConnected ? "Reconnecting…" : "Connecting…" });
      },
      connected: (opened) => {
        if (generation !== mine) return;
        socket = opened as WebSocket;
        everConnected = true;
        socketOpen = true;
        store.update({ connection: navigator.onLine ? "Live" : "Offline" });
        // from the last cursor: an event's, or before the first one the page's (startFrom)
        if (client && lastCursor !== null) subscribe(client);
      },
      closed: (event) => {
        if (generation !== mine) return;
        socketOpen = false;
        window.clearTimeout(pongTimer);
        unsubscribe?.();
        unsubscribe = null;
        if (closeCode(event) === TOKEN_REFUSED) return hooks.sessionEnded();
        store.update({ connection: navigator.onLine ? "Reconnecting…" : "Offline" });
      },
    },
  });
  client = live;
}

export function stopLive(): void {
  const ending = client;
  client = null;
  generation++;
  unsubscribe?.();
  unsubscribe = null;
  void ending?.dispose();
}

/** The first page's `eventsCursor`: the feed starts where that page was read, so nothing
 * committed after the read is missed. Later pages change nothing: the feed is already there. */
export function startFrom(cursor: string | null): void {
  if (cursor === null || lastCursor !== null) return;
  lastCursor = cursor;
  if (client && socketOpen) subscribe(client);
}

function subscribe(live: Client): void {
  unsubscribe?.();
  unsubscribe = live.subscribe<{ bookingEvents: BookingEvent }>(
    { query: EVENTS, variables: { after: lastCursor } },
    {
      next: ({ data, errors }) => {
        if (errors?.length) store.toast("error", errors[0]!.message);
        if (data) apply(data.bookingEvents);
      },
      error: (error) => {
        if (closeCode(error) === TOKEN_REFUSED) return hooks.sessionEnded();
        if (Array.isArray(error)) store.toast("error", String(error[0]?.message ?? "The live feed failed."));
      },
      complete: () => undefined,
    },
  );
}

function apply(event: BookingEvent): void {
  if (seen.has(event.cursor)) return;
  seen.add(event.cursor);
  if (seen.size > 2000) seen.delete(seen.values().next().value!);
  lastCursor = event.cursor;
  switch (event.kind) {
    case "RESYNC_REQUIRED":
      hooks.resync();
      return;
    case "SCHEDULE_CHANGED":
      hooks.scheduleChanged(event.scheduleChange);
      return;
    case "DELETED":
      if (event.bookingId === store.state.openId) store.toast("error", "This booking was deleted.");
      if (event.bookingId) store.remove(event.bookingId);
      return;
    default:
      if (event.booking) store.accept(event.booking);
      if (event.bookingId && event.statusChange) store.addHistory(event.bookingId, event.statusChange);
      if (event.bookingId && event.note) store.addNote(event.bookingId, event.note);
  }
}

addEventListener("offline", () => client && store.update({ connection: "Offline" }));
addEventListener("online", () => client && store.update({ connection: socketOpen ? "Live" : "Reconnecting…" }));
