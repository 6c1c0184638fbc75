// Labels, times and the schedule's ranges (day, or Monday to Sunday), in the browser's zone.
import type { Action, Booking, Status } from "./types";

export const STATUS_LABELS: Record<Status, string> = {
  PENDING: "Pending",
  CONFIRMED: "Confirmed",
  IN_PROGRESS: "In progress",
  COMPLETED: "Completed",
  CANCELLED: "Cancelled",
  NO_SHOW: "No-show",
};

export const ACTION_LABELS: Record<Action, string> = {
  CONFIRM: "Confirm",
  CANCEL: "Cancel booking",
  START: "Start",
  COMPLETE: "Complete",
  MARK_NO_SHOW: "Mark no-show",
  UNDO_START: "Undo start",
  REVERT_NO_SHOW: "Revert no-show",
};

/** The status an action leads to (docs/rules.md), shown at once while the request runs. */
export const TARGET_STATUS: Record<Action, Status> = {
  CONFIRM: "CONFIRMED",
  CANCEL: "CANCELLED",
  START: "IN_PROGRESS",
  COMPLETE: "COMPLETED",
  MARK_NO_SHOW: "NO_SHOW",
  UNDO_START: "CONFIRMED",
  REVERT_NO_SHOW: "CONFIRMED",
};

export type View = "day" | "week";

export interface Range {
  start: Date;
  end: Date;
}

export function startOfDay(day: Date): Date {
  return new Date(day.getFullYear(), day.getMonth(), day.getDate());
}

function addDays(day: Date, days: number): Date {
  return new Date(day.getFullYear(), day.getMonth(), day.getDate() + days);
}

export function rangeOf(view: View, anchor: Date): Range {
  if (view === "day") return { start: startOfDay(anchor), end: addDays(anchor, 1) };
  const monday = addDays(anchor, -((anchor.getDay() + 6) % 7));
  return { start: monday, end: addDays(monday, 7) };
}

export function shift(view: View, anchor: Date, steps: number): Date {
  return addDays(anchor, steps * (view === "day" ? 1 : 7));
}

const LOCALE = "en-GB";
const dayFormat = new Intl.DateTimeFormat(LOCALE, {
  weekday: "long",
  day: "numeric",
  month: "long",
  year: "numeric",
});
const shortDay = new Intl.DateTimeFormat(LOCALE, { weekday: "short", day: "numeric", month: "short" });
const clock = new Intl.DateTimeFormat(LOCALE, { hour: "2-digit", minute: "2-digit" });
const stamp = new Intl.DateTimeFormat(LOCALE, { dateStyle: "medium", timeStyle: "medium" });

export function rangeTitle(view: View, range: Range): string {
  if (view === "day") return dayFormat.format(range.start);
  return `${shortDay.format(range.start)} – ${shortDay.format(addDays(range.end, -1))}`;
}

export function bookingTime(booking: Booking, view: View): string {
  const start = new Date(booking.startTime);
  const hours = `${clock.format(start)}–${clock.format(new Date(booking.endTime))}`;
  return view === "day" ? hours : `${shortDay.format(start)}, ${hours}`;
}

export function longTime(booking: Booking): string {
  return `${dayFormat.format(new Date(booking.startTime))}, ${bookingTime(booking, "day")}`;
}

export function when(iso: string): string {
  return stamp.format(new Date(iso));
}

export function price(booking: Booking): string {
  return new Intl.NumberFormat(LOCALE, { style: "currency", currency: booking.currency }).format(
    booking.priceCents / 100,
  );
}

export function inRange(booking: Booking, range: Range): boolean {
  const start = new Date(booking.startTime).getTime();
  return start >= range.start.getTime() && start < range.end.getTime();
}

/** The API's order: startTime, then id. */
export function byStart(a: Booking, b: Booking): number {
  const difference = new Date(a.startTime).getTime() - new Date(b.startTime).getTime();
  return difference !== 0 ? difference : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}
