// What the page does: signing in and out, loading the schedule and a booking, taking actions
// and adding notes. Components call these; the state lives in store.ts.
import { ApiError, gql, NetworkFailure, SessionEnded } from "./api";
import { ADD_NOTE, DETAIL, ME, PAGE, STYLISTS, TRANSITION } from "./documents";
import { ACTION_LABELS, shift, startOfDay, TARGET_STATUS, type View } from "./format";
import { startFrom, startLive, stopLive } from "./live";
import { loadSchedules, scheduleChanged, scheduleHooks } from "./schedules";
import { expiresAt, forgetToken, keepToken, newIdempotencyKey, storedToken } from "./session";
import { store } from "./store";
import type { AvailableAction, Booking, BookingDetail, Note, Person, StatusChange } from "./types";
import type { TypedError } from "./types";

export const SESSION_ENDED = "Your session has ended. Sign in again.";
const RETRIES = [500, 1500, 3000]; // after a network failure, the same intention again
let expiryTimer: number | undefined;
const LONGEST_TIMER = 2 ** 31 - 1;
let pageRequest = 0;

const sleep = (ms: number) => new Promise((resolve) => window.setTimeout(resolve, ms));

function token(): string {
  const current = store.state.token;
  if (!current) throw new SessionEnded(SESSION_ENDED);
  return current;
}

/** Signs in with a token; the API's message when it is refused. */
export async function signIn(candidate: string): Promise<string | null> {
  try {
    const { me } = await gql<{ me: Person | null }>(candidate, ME);
    if (!me) return "This token does not name anyone.";
    keepToken(candidate);
    store.reset({ token: candidate, me });
    const exp = expiresAt(candidate);
    if (exp !== null) signOutAt(exp);
    startLive(candidate, {
      sessionEnded: () => signOut(SESSION_ENDED),
      resync: () => void refresh(),
      scheduleChanged,
    });
    if (me.role === "ADMIN") void loadStylists();
    void loadPage();
    void loadSchedules();
    return null;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

/** Signs out when the token expires (a timer cannot wait longer than about 24 days). */
function signOutAt(exp: number): void {
  const wait = exp - Date.now();
  expiryTimer = window.setTimeout(
    () => (wait > LONGEST_TIMER ? signOutAt(exp) : signOut(SESSION_ENDED)),
    Math.min(wait, LONGEST_TIMER),
  );
}

export async function resumeSession(): Promise<void> {
  const kept = storedToken();
  if (!kept) return;
  const refused = await signIn(kept);
  if (refused !== null) signOut(SESSION_ENDED);
}

scheduleHooks.sessionEnded = () => signOut(SESSION_ENDED);

export function signOut(message: string | null = null): void {
  window.clearTimeout(expiryTimer);
  stopLive();
  forgetToken();
  store.reset({ signedOutMessage: message });
}

/** Runs a request; an ended session signs the page out, other failures become a toast. */
async function guarded<T>(work: () => Promise<T>): Promise<T | undefined> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof SessionEnded) signOut(SESSION_ENDED);
    else store.toast("error", error instanceof Error ? error.message : String(error));
    return undefined;
  }
}

async function loadStylists(): Promise<void> {
  const found = await guarded(() => gql<{ stylists: Person[] }>(token(), STYLISTS));
  if (found) store.update({ stylists: found.stylists });
}

export async function loadPage(): Promise<void> {
  const request = ++pageRequest;
  const { stylistId, pageCursors } = store.state;
  const range = store.range();
  store.update({ loading: true });
  const filter: Record<string, string> = {
    startsAfter: range.start.toISOString(),
    startsBefore: range.end.toISOString(),
  };
  if (stylistId) filter.stylistId = stylistId;
  type Page = {
    bookings: {
      eventsCursor: string | null;
      edges: { node: Booking }[];
      pageInfo: { hasNextPage: boolean; endCursor: string | null };
    };
  };
  const after = pageCursors[pageCursors.length - 1] ?? null;
  const page = await guarded(() => gql<Page>(token(), PAGE, { after, filter }));
  if (request !== pageRequest) return; // a newer range was asked for meanwhile
  if (!page) return store.update({ loading: false });
  const { edges, pageInfo, eventsCursor } = page.bookings;
  startFrom(eventsCursor);
  store.showPage(edges.map((edge) => edge.node), pageInfo.hasNextPage, pageInfo.endCursor);
}

function reload(change: Parameters<typeof store.update>[0]): void {
  store.update({ ...change, pageCursors: [null] });
  void loadPage();
  void loadSchedules();
}

export const showView = (view: View) => reload({ view });
export const move = (steps: number) =>
  reload({ anchor: shift(store.state.view, store.state.anchor, steps) });
export const today = () => reload({ anchor: startOfDay(new Date()) });
export const filterStylist = (stylistId: string) => reload({ stylistId, stylistSchedule: null });

export function nextPage(): void {
  const { endCursor, pageCursors } = store.state;
  store.update({ pageCursors: [...pageCursors, endCursor] });
  void loadPage();
}

export function previousPage(): void {
  store.update({ pageCursors: store.state.pageCursors.slice(0, -1) });
  void loadPage();
}

export async function openBooking(bookingId: string): Promise<void> {
  store.update({ openId: bookingId, detail: store.state.detail?.id === bookingId ? store.state.detail : null });
  await loadDetail(bookingId);
}

export async function loadDetail(bookingId: string): Promise<void> {
  const found = await guarded(() => gql<{ booking: BookingDetail | null }>(token(), DETAIL, { id: bookingId }));
  if (!found || store.state.openId !== bookingId) return;
  if (found.booking) store.showDetail(found.booking);
  else {
    store.remove(bookingId);
    store.toast("error", "This booking is no longer there.");
  }
}

export function closeBooking(): void {
  store.update({ openId: null, detail: null });
}

/** Refetch what is shown (after RESYNC_REQUIRED, or a refusal that says we were behind). */
export async function refresh(): Promise<void> {
  const { openId } = store.state;
  await Promise.all([loadPage(), loadSchedules(), openId ? loadDetail(openId) : Promise.resolve()]);
}

type TransitionResult =
  | { __typename: "TransitionBookingSuccess"; booking: Booking; statusChange: StatusChange }
  | TypedError;

/** Sends the action with the version it was chosen against and one idempotency key, which
 * the automatic retries after a network failure reuse: the server acts once at most. */
export async function takeAction(booking: Booking, available: AvailableAction, reason?: string): Promise<void> {
  const { action } = available;
  const input = {
    bookingId: booking.id,
    action,
    expectedVersion: booking.version,
    idempotencyKey: newIdempotencyKey(),
    ...(reason ? { reason } : {}),
  };
  store.begin(booking.id, { status: TARGET_STATUS[action], baseVersion: booking.version });
  try {
    for (let attempt = 0; ; attempt++) {
      try {
        const data = await gql<{ transitionBooking: TransitionResult }>(token(), TRANSITION, { input });
        const result = data.transitionBooking;
        if (result.__typename !== "TransitionBookingSuccess" || !("booking" in result)) {
          const refusal = result as TypedError;
          store.toast("error", refusal.message);
          if (refusal.code === "VERSION_CONFLICT" || refusal.code === "INVALID_TRANSITION") {
            void loadDetail(booking.id);
          }
          return;
        }
        store.accept(result.booking);
        store.addHistory(booking.id, result.statusChange);
        if (action === "START") offerUndo(result.booking);
        store.toast("success", `${ACTION_LABELS[action]}: done.`);
        return;
      } catch (error) {
        if (error instanceof NetworkFailure && attempt < RETRIES.length) {
          await sleep(RETRIES[attempt]!);
          continue;
        }
        throw error;
      }
    }
  } catch (error) {
    if (error instanceof SessionEnded) signOut(SESSION_ENDED);
    else store.toast("error", error instanceof ApiError || error instanceof Error ? error.message : String(error));
  } finally {
    store.end(booking.id); // rolls the optimistic status back unless a newer version came
  }
}

function offerUndo(booking: Booking): void {
  const undo = booking.availableActions.find((a) => a.action === "UNDO_START");
  if (!undo?.availableUntil) return;
  store.update({ undo: { booking, until: new Date(undo.availableUntil).getTime() } });
}

type NoteResult = { __typename: "AddStylistNoteSuccess"; note: Note } | TypedError;

export async function addNote(bookingId: string, body: string): Promise<boolean> {
  store.begin(bookingId);
  try {
    const data = await guarded(() =>
      gql<{ addStylistNote: NoteResult }>(token(), ADD_NOTE, { input: { bookingId, body } }),
    );
    if (!data) return false;
    const result = data.addStylistNote;
    if (!("note" in result)) {
      store.toast("error", result.message);
      return false;
    }
    store.addNote(bookingId, result.note);
    return true;
  } finally {
    store.end(bookingId);
  }
}
