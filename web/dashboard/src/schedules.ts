// Working hours, time off and closures: loading what the page shows, and the edits. Every
// edit carries its reason; a refusal comes back to the form that sent it (which keeps what
// was typed), and success refetches, as the live feed's SCHEDULE_CHANGED does in other tabs.
import { gql, SessionEnded } from "./api";
import {
  ADD_CLOSURE,
  ADD_TIME_OFF,
  REMOVE_CLOSURE,
  REMOVE_TIME_OFF,
  SALON_SCHEDULE,
  SET_SALON_SCHEDULE,
  SET_WORKING_HOURS,
  STYLIST_SCHEDULE,
} from "./documents";
import { store, type State } from "./store";
import type { Refusal, SalonSchedule, ScheduleChangeNotice, StylistSchedule, WeekdayHours } from "./types";

/** What the module cannot do itself: sign the page out (controller.ts sets it). */
export const scheduleHooks = { sessionEnded: (): void => undefined };
let scheduleRequest = 0;

/** The stylist whose hours the page shows: a stylist's own; for an admin, the one filtered. */
export function stylistInView(state: State): string | null {
  if (state.me?.role === "STYLIST") return state.me.id;
  if (state.me?.role === "ADMIN") return state.stylistId || null;
  return null;
}

export function mayEditSalon(state: State): boolean {
  return state.me?.role === "ADMIN";
}

/** Admins for anyone, a stylist for themself. */
export function mayEditTimeOff(state: State, stylistId: string): boolean {
  return state.me?.role === "ADMIN" || (state.me?.role === "STYLIST" && state.me.id === stylistId);
}

export async function loadSchedules(): Promise<void> {
  const { me, token } = store.state;
  if (!token || !me || (me.role !== "ADMIN" && me.role !== "STYLIST")) return;
  const request = ++scheduleRequest;
  const range = store.range();
  const window = { from: range.start.toISOString(), to: range.end.toISOString() };
  const stylistId = stylistInView(store.state);
  try {
    const [salon, stylist] = await Promise.all([
      gql<{ salonSchedule: SalonSchedule }>(token, SALON_SCHEDULE, window),
      stylistId
        ? gql<{ stylistSchedule: StylistSchedule }>(token, STYLIST_SCHEDULE, { ...window, stylistId })
        : Promise.resolve(null),
    ]);
    if (request !== scheduleRequest) return; // a newer range or stylist was asked for meanwhile
    store.update({
      salon: salon.salonSchedule,
      stylistSchedule: stylist?.stylistSchedule ?? null,
      scheduleFailed: null,
    });
  } catch (error) {
    if (request !== scheduleRequest) return;
    if (error instanceof SessionEnded) return scheduleHooks.sessionEnded();
    store.update({ scheduleFailed: error instanceof Error ? error.message : String(error) });
  }
}

/** A SCHEDULE_CHANGED event: refetch when it concerns the salon or the stylist in view. */
export function scheduleChanged(notice: ScheduleChangeNotice | null | undefined): void {
  if (!notice) return;
  const shown = stylistInView(store.state);
  if (notice.stylistId === null || notice.stylistId === shown) void loadSchedules();
}

type Result = { __typename: string; code?: string; message?: string; affectedBookings?: unknown[] };

/** Sends an edit; null when it was made, else the refusal to show beside the form. */
async function edit(
  field: string,
  document: string,
  input: Record<string, unknown>,
  done: string,
): Promise<Refusal | null> {
  const token = store.state.token;
  if (!token) return { __typename: "SessionEnded", code: "UNAUTHENTICATED", message: "Sign in again." };
  let result: Result;
  try {
    result = (await gql<Record<string, Result>>(token, document, { input }))[field]!;
  } catch (error) {
    if (error instanceof SessionEnded) scheduleHooks.sessionEnded();
    const code = "code" in (error as object) ? String((error as { code: unknown }).code) : "ERROR";
    return { __typename: "Error", code, message: error instanceof Error ? error.message : String(error) };
  }
  if (result.__typename.endsWith("Error")) {
    if (result.code === "VERSION_CONFLICT") void loadSchedules(); // show what changed meanwhile
    return result as Refusal;
  }
  const affected = result.affectedBookings?.length ?? 0;
  const note = affected ? ` ${affected} booking${affected === 1 ? "" : "s"} in it still to deal with.` : "";
  store.toast("success", `${done}${note}`);
  void loadSchedules();
  return null;
}

export interface SalonInput {
  timeZone: string;
  slotMinutes: number;
  openingHours: WeekdayHours[] | null;
  reason: string;
  expectedVersion: number;
}

export const setSalonSchedule = (input: SalonInput) =>
  edit("setSalonSchedule", SET_SALON_SCHEDULE, { ...input }, "Salon schedule saved.");

export interface HoursInput {
  stylistId: string;
  workingHours: WeekdayHours[] | null;
  allowOutsideOpeningHours: boolean;
  reason: string;
  expectedVersion: number;
}

export const setWorkingHours = (input: HoursInput) =>
  edit("setWorkingHours", SET_WORKING_HOURS, { ...input }, "Working hours saved.");

export const addTimeOff = (input: { stylistId: string; start: string; end: string; reason: string }) =>
  edit("addTimeOff", ADD_TIME_OFF, input, "Time off added.");

export const removeTimeOff = (timeOffId: string, reason: string) =>
  edit("removeTimeOff", REMOVE_TIME_OFF, { timeOffId, reason }, "Time off removed.");

export const addClosure = (input: { start: string; end: string; reason: string }) =>
  edit("addClosure", ADD_CLOSURE, input, "Closure added.");

export const removeClosure = (closureId: string, reason: string) =>
  edit("removeClosure", REMOVE_CLOSURE, { closureId, reason }, "Closure removed.");
