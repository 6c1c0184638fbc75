// Wall-clock times in the salon's zone as instants, and a stylist's working time over a range,
// read as the API's rules read it (docs/schedules.md), so the page can show when someone works.
// Showing only: what is bookable is the server's answer (availability), never this file's.
import type { Closure, SalonSchedule, StylistSchedule, TimeOff, Weekday, WeekdayHours } from "./types";

/** [start, end) in epoch milliseconds. */
export type Span = [number, number];

const DAY = 86_400_000;
export const WEEKDAYS: Weekday[] = [
  "MONDAY",
  "TUESDAY",
  "WEDNESDAY",
  "THURSDAY",
  "FRIDAY",
  "SATURDAY",
  "SUNDAY",
];

const formats = new Map<string, Intl.DateTimeFormat>();

function partsIn(zone: string): Intl.DateTimeFormat {
  let format = formats.get(zone);
  if (!format) {
    format = new Intl.DateTimeFormat("en-US", {
      timeZone: zone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
    });
    formats.set(zone, format);
  }
  return format;
}

/** The zone's offset from UTC at an instant, in milliseconds. */
export function offsetAt(zone: string, instant: number): number {
  const whole = Math.floor(instant / 1000) * 1000;
  const parts = partsIn(zone).formatToParts(new Date(whole));
  const get = (type: string) => Number(parts.find((part) => part.type === type)?.value ?? 0);
  const wall = Date.UTC(get("year"), get("month") - 1, get("day"), get("hour") % 24, get("minute"), get("second"));
  return wall - whole;
}

/** A local date as days since 1970-01-01. */
export function localDay(zone: string, instant: number): number {
  return Math.floor((instant + offsetAt(zone, instant)) / DAY);
}

/** ISO weekday (Monday first) of a local day number: 1970-01-01 was a Thursday. */
export function weekdayOf(day: number): Weekday {
  return WEEKDAYS[(((day + 3) % 7) + 7) % 7]!;
}

/** The instant of a wall-clock time: in a repeated hour the first, in a skipped hour read
 * with the offset before the change (PEP 495 fold=0, as the server reads it). */
export function instantOf(zone: string, day: number, minutes: number): number {
  const wall = day * DAY + minutes * 60_000;
  const before = offsetAt(zone, wall - DAY);
  const first = wall - before;
  if (offsetAt(zone, first) === before) return first;
  const after = offsetAt(zone, wall + DAY);
  const second = wall - after;
  return offsetAt(zone, second) === after ? second : first;
}

export function minutesOf(hhmm: string): number {
  const [hours, minutes] = hhmm.split(":");
  return Number(hours) * 60 + Number(minutes);
}

/** A datetime-local value ("2026-12-07T09:30") read in the zone, as an ISO instant. */
export function isoFromLocal(zone: string, value: string): string | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/.exec(value);
  if (!match) return null;
  const [, y, m, d, hh, mm] = match.map(Number) as [number, number, number, number, number, number];
  return new Date(instantOf(zone, Date.UTC(y, m - 1, d) / DAY, hh * 60 + mm)).toISOString();
}

function merged(spans: Span[]): Span[] {
  const sorted = spans.filter(([a, b]) => b > a).sort((x, y) => x[0] - y[0]);
  const out: Span[] = [];
  for (const [start, end] of sorted) {
    const last = out[out.length - 1];
    if (last && start <= last[1]) last[1] = Math.max(last[1], end);
    else out.push([start, end]);
  }
  return out;
}

export function intersect(a: Span[], b: Span[]): Span[] {
  const out: Span[] = [];
  for (const [s1, e1] of a) {
    for (const [s2, e2] of b) {
      const start = Math.max(s1, s2);
      const end = Math.min(e1, e2);
      if (end > start) out.push([start, end]);
    }
  }
  return merged(out);
}

export function subtract(from: Span[], cuts: Span[]): Span[] {
  let rest = from;
  for (const [cs, ce] of cuts) {
    rest = rest.flatMap(([s, e]): Span[] => {
      if (ce <= s || cs >= e) return [[s, e]];
      return [
        [s, Math.min(e, cs)],
        [Math.max(s, ce), e],
      ].filter(([a, b]) => b! > a!) as Span[];
    });
  }
  return rest;
}

/** Weekly hours as instants over [from, to), the salon's local days around it included (an
 * interval starting the evening before may run into the range). */
export function weeklySpans(zone: string, hours: WeekdayHours[], from: number, to: number): Span[] {
  const byDay = new Map(hours.map((entry) => [entry.weekday, entry.intervals]));
  const spans: Span[] = [];
  for (let day = localDay(zone, from) - 1; day <= localDay(zone, to); day++) {
    for (const interval of byDay.get(weekdayOf(day)) ?? []) {
      const start = minutesOf(interval.start);
      const end = minutesOf(interval.end);
      const last = end <= start ? instantOf(zone, day + 1, end) : instantOf(zone, day, end);
      spans.push([instantOf(zone, day, start), last]);
    }
  }
  return intersect(merged(spans), [[from, to]]);
}

export function absences(items: (TimeOff | Closure)[]): Span[] {
  return merged(items.map((item): Span => [Date.parse(item.start), Date.parse(item.end)]));
}

/** When the salon is open over [from, to): opening hours (always when not set) minus closures. */
export function openSpans(salon: SalonSchedule, from: number, to: number): Span[] {
  const hours: Span[] = salon.openingHours
    ? weeklySpans(salon.timeZone, salon.openingHours, from, to)
    : [[from, to]];
  return subtract(hours, absences(salon.closures));
}

/** The stylist's working time over [from, to): their hours (the opening hours when not set)
 * within the opening hours unless allowed outside them, minus time off and closures. */
export function workingSpans(salon: SalonSchedule, stylist: StylistSchedule, from: number, to: number): Span[] {
  const open: Span[] = salon.openingHours
    ? weeklySpans(salon.timeZone, salon.openingHours, from, to)
    : [[from, to]];
  let working = open;
  if (stylist.workingHours) {
    const own = weeklySpans(salon.timeZone, stylist.workingHours, from, to);
    working = stylist.allowOutsideOpeningHours ? own : intersect(own, open);
  }
  return subtract(subtract(working, absences(stylist.timeOff)), absences(salon.closures));
}

/** Whether [start, end) lies inside one stretch of the spans. */
export function covers(spans: Span[], start: number, end: number): boolean {
  return spans.some(([s, e]) => s <= start && end <= e);
}
