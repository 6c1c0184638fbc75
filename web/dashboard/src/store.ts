// The page's state, in one place: components read it, the controller and the live feed change
// it. A booking's version never goes backwards, wherever the newer copy came from.
import { byStart, inRange, rangeOf, startOfDay, type Range, type View } from "./format";
import type { Booking, BookingDetail, Note, Person, StatusChange, Status } from "./types";
import type { SalonSchedule, StylistSchedule } from "./types";

export type Connection = "Live" | "Connecting…" | "Reconnecting…" | "Offline";

export interface Toast {
  id: number;
  kind: "error" | "success";
  text: string;
}

export interface Optimistic {
  status: Status;
  /** The version the action was sent against: once a newer one is known, the server's wins. */
  baseVersion: number;
}

export interface State {
  me: Person | null;
  token: string | null;
  signedOutMessage: string | null;
  view: View;
  anchor: Date;
  stylistId: string;
  stylists: Person[];
  rows: Booking[];
  /** `after` cursors of the pages before the current one, and the current one's. */
  pageCursors: (string | null)[];
  hasNextPage: boolean;
  endCursor: string | null;
  loading: boolean;
  openId: string | null;
  detail: BookingDetail | null;
  optimistic: Map<string, Optimistic>;
  inFlight: Set<string>;
  undo: { booking: Booking; until: number } | null;
  connection: Connection;
  toasts: Toast[];
  /** The salon's zone, grid, opening hours and the closures in the range shown. */
  salon: SalonSchedule | null;
  /** The stylist in view's hours and time off in the range shown (none: no stylist in view). */
  stylistSchedule: StylistSchedule | null;
  scheduleFailed: string | null;
}

export function initialState(): State {
  return {
    me: null,
    token: null,
    signedOutMessage: null,
    view: "day",
    anchor: startOfDay(new Date()),
    stylistId: "",
    stylists: [],
    rows: [],
    pageCursors: [null],
    hasNextPage: false,
    endCursor: null,
    loading: false,
    openId: null,
    detail: null,
    optimistic: new Map(),
    inFlight: new Set(),
    undo: null,
    connection: "Connecting…",
    toasts: [],
    salon: null,
    stylistSchedule: null,
    scheduleFailed: null,
  };
}

export class Store {
  state: State = initialState();
  /** The newest copy of every booking seen, from a page, a detail, a result or an event. */
  private latest = new Map<string, Booking>();
  private listeners = new Set<() => void>();
  private toastIds = 0;

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  update(change: Partial<State>): void {
    this.state = { ...this.state, ...change };
    for (const listener of this.listeners) listener();
  }

  reset(change: Partial<State>): void {
    this.latest.clear();
    this.update({ ...initialState(), ...change });
  }

  range(): Range {
    return rangeOf(this.state.view, this.state.anchor);
  }

  /** The newer of this copy and the one already known. */
  newest<T extends Booking>(booking: T): T {
    const known = this.latest.get(booking.id);
    if (known && known.version > booking.version) return { ...booking, ...known };
    this.latest.set(booking.id, booking);
    return booking;
  }

  shows(booking: Booking): boolean {
    const { stylistId } = this.state;
    return inRange(booking, this.range()) && (!stylistId || booking.stylist.id === stylistId);
  }

  showPage(rows: Booking[], hasNextPage: boolean, endCursor: string | null): void {
    this.update({ rows: rows.map((row) => this.newest(row)), hasNextPage, endCursor, loading: false });
  }

  showDetail(detail: BookingDetail): void {
    this.update({ detail: this.newest(detail) });
    this.accept(detail);
  }

  /** A booking as it is now: its row, the open detail and the undo follow, unless older. */
  accept(incoming: Booking): void {
    const known = this.latest.get(incoming.id);
    if (known && known.version > incoming.version) return;
    this.latest.set(incoming.id, incoming);
    const { rows, detail, undo, pageCursors, hasNextPage } = this.state;
    const change: Partial<State> = {};
    const index = rows.findIndex((row) => row.id === incoming.id);
    if (index >= 0) {
      change.rows = this.shows(incoming)
        ? rows.map((row) => (row.id === incoming.id ? incoming : row))
        : rows.filter((row) => row.id !== incoming.id);
    } else if (this.shows(incoming) && this.fitsPage(incoming, rows, pageCursors.length > 1, hasNextPage)) {
      change.rows = [...rows, incoming].sort(byStart);
    }
    if (detail?.id === incoming.id) change.detail = { ...detail, ...incoming };
    if (undo?.booking.id === incoming.id) {
      const stillUndoable = incoming.availableActions.some((a) => a.action === "UNDO_START");
      change.undo = stillUndoable ? { ...undo, booking: incoming } : null;
    }
    this.update(change);
  }

  private fitsPage(booking: Booking, rows: Booking[], notFirst: boolean, more: boolean): boolean {
    const first = rows[0];
    const last = rows[rows.length - 1];
    if (notFirst && first && byStart(booking, first) < 0) return false;
    return !more || (last !== undefined && byStart(booking, last) < 0);
  }

  remove(bookingId: string): void {
    const { rows, detail, undo } = this.state;
    this.update({
      rows: rows.filter((row) => row.id !== bookingId),
      detail: detail?.id === bookingId ? null : detail,
      openId: this.state.openId === bookingId ? null : this.state.openId,
      undo: undo?.booking.id === bookingId ? null : undo,
    });
  }

  addHistory(bookingId: string, change: StatusChange): void {
    const { detail } = this.state;
    if (detail?.id !== bookingId || detail.statusHistory.some((c) => c.id === change.id)) return;
    const statusHistory = [...detail.statusHistory, change].sort((a, b) =>
      a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : 0,
    );
    this.update({ detail: { ...detail, statusHistory } });
  }

  addNote(bookingId: string, note: Note): void {
    const { detail } = this.state;
    if (detail?.id !== bookingId || !detail.notes || detail.notes.some((n) => n.id === note.id)) {
      return;
    }
    this.update({ detail: { ...detail, notes: [...detail.notes, note] } });
  }

  /** The status shown: the optimistic one while no newer version is known. */
  statusOf(booking: Booking): Status {
    const optimistic = this.state.optimistic.get(booking.id);
    return optimistic && optimistic.baseVersion === booking.version
      ? optimistic.status
      : booking.status;
  }

  begin(bookingId: string, optimistic?: Optimistic): void {
    const inFlight = new Set(this.state.inFlight).add(bookingId);
    const map = new Map(this.state.optimistic);
    if (optimistic) map.set(bookingId, optimistic);
    this.update({ inFlight, optimistic: map });
  }

  end(bookingId: string): void {
    const inFlight = new Set(this.state.inFlight);
    inFlight.delete(bookingId);
    const optimistic = new Map(this.state.optimistic);
    optimistic.delete(bookingId);
    this.update({ inFlight, optimistic });
  }

  toast(kind: Toast["kind"], text: string): void {
    const id = ++this.toastIds;
    this.update({ toasts: [...this.state.toasts, { id, kind, text }].slice(-4) });
    window.setTimeout(() => this.dismiss(id), kind === "error" ? 10_000 : 4_000);
  }

  dismiss(id: number): void {
    this.update({ toasts: this.state.toasts.filter((toast) => toast.id !== id) });
  }
}

export const store = new Store();
