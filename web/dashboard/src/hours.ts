// How schedules read on the page: weekdays, intervals, dates in the salon's zone, and the
// working time of the range shown (computed once per change of what it depends on).
import { rangeOf } from "./format";
import type { State } from "./store";
import type { Closure, TimeInterval, TimeOff, Weekday, WeekdayHours } from "./types";
import { openSpans, workingSpans, type Span } from "./zones";

export const WEEKDAY_LABELS: Record<Weekday, string> = {
  MONDAY: "Monday",
  TUESDAY: "Tuesday",
  WEDNESDAY: "Wednesday",
  THURSDAY: "Thursday",
  FRIDAY: "Friday",
  SATURDAY: "Saturday",
  SUNDAY: "Sunday",
};

export function intervalText({ start, end }: TimeInterval): string {
  if (start === end) return start === "00:00" ? "all day" : `${start}–${end} (24 h)`;
  return end < start && end !== "00:00" ? `${start}–${end} (next day)` : `${start}–${end === "00:00" ? "24:00" : end}`;
}

export function dayText(hours: WeekdayHours[], weekday: Weekday): string {
  const intervals = hours.find((entry) => entry.weekday === weekday)?.intervals ?? [];
  return intervals.length ? intervals.map(intervalText).join(", ") : "Off";
}

const inZone = new Map<string, Intl.DateTimeFormat>();

/** A date and time in the salon's zone: "Mon 7 Dec, 09:00". */
export function zoned(zone: string, iso: string): string {
  let format = inZone.get(zone);
  if (!format) {
    format = new Intl.DateTimeFormat("en-GB", {
      timeZone: zone,
      weekday: "short",
      day: "numeric",
      month: "short",
      hour: "2-digit",
      minute: "2-digit",
    });
    inZone.set(zone, format);
  }
  return format.format(new Date(iso));
}

export function absenceText(zone: string, item: TimeOff | Closure): string {
  return `${zoned(zone, item.start)} – ${zoned(zone, item.end)}`;
}

export interface Shown {
  /** When the stylist in view works (or, with none in view, when the salon is open). */
  spans: Span[];
  stylistId: string | null;
}

let last: { key: unknown[]; shown: Shown } | null = null;

export function shownSpans(state: State): Shown | null {
  const { salon, stylistSchedule, view, anchor } = state;
  if (!salon) return null;
  const key = [salon, stylistSchedule, view, anchor.getTime()];
  if (last && last.key.every((part, i) => part === key[i])) return last.shown;
  const range = rangeOf(view, anchor);
  const [from, to] = [range.start.getTime(), range.end.getTime()];
  const shown: Shown = stylistSchedule
    ? { spans: workingSpans(salon, stylistSchedule, from, to), stylistId: stylistSchedule.stylistId }
    : { spans: openSpans(salon, from, to), stylistId: null };
  last = { key, shown };
  return shown;
}
