// The API's shapes, as the dashboard's documents select them (see documents.ts).

export type Role = "CUSTOMER" | "STYLIST" | "ADMIN" | "SYSTEM";
export type Status =
  | "PENDING"
  | "CONFIRMED"
  | "IN_PROGRESS"
  | "COMPLETED"
  | "CANCELLED"
  | "NO_SHOW";
export type Action =
  | "CONFIRM"
  | "CANCEL"
  | "START"
  | "COMPLETE"
  | "MARK_NO_SHOW"
  | "UNDO_START"
  | "REVERT_NO_SHOW";

export interface Person {
  id: string;
  role: Role;
  displayName: string;
}

export interface AvailableAction {
  action: Action;
  requiresReason: boolean;
  requiresConfirmation: boolean;
  warning: string | null;
  /** When the action stops being available by time (UNDO_START's window); null if never. */
  availableUntil: string | null;
}

export interface Booking {
  id: string;
  status: Status;
  startTime: string;
  endTime: string;
  version: number;
  priceCents: number;
  currency: string;
  service: { name: string };
  customer: { id: string; displayName: string };
  stylist: { id: string; displayName: string };
  availableActions: AvailableAction[];
  suggestedAction: Action | null;
}

export interface StatusChange {
  id: string;
  fromStatus: Status;
  toStatus: Status;
  action: Action;
  actorId: string;
  actorRole: Role;
  reason: string | null;
  ipAddress: string | null;
  userAgent: string | null;
  createdAt: string;
}

export interface Note {
  id: string;
  authorId: string;
  /** Sanitised by the server (the one home of sanitising). */
  bodyHtml: string;
  createdAt: string;
}

export interface BookingDetail extends Booking {
  statusHistory: StatusChange[];
  /** null for viewers who may not read notes (customers). */
  notes: Note[] | null;
}

export type EventKind =
  | "CREATED"
  | "STATUS_CHANGED"
  | "RESCHEDULED"
  | "NOTE_ADDED"
  | "DELETED"
  | "SCHEDULE_CHANGED"
  | "RESYNC_REQUIRED";

export interface BookingEvent {
  cursor: string;
  kind: EventKind;
  bookingId: string | null;
  booking: Booking | null;
  statusChange: StatusChange | null;
  note: Note | null;
  /** SCHEDULE_CHANGED only. */
  scheduleChange?: ScheduleChangeNotice | null;
}

/** A typed error of a mutation's result union. */
export interface TypedError {
  __typename: string;
  code: string;
  message: string;
}

// Schedules (working hours, time off, closures): times of day "HH:MM" in the salon's zone.
export type Weekday =
  | "MONDAY"
  | "TUESDAY"
  | "WEDNESDAY"
  | "THURSDAY"
  | "FRIDAY"
  | "SATURDAY"
  | "SUNDAY";

export interface TimeInterval {
  start: string;
  /** At or before start: the next day (00:00–00:00 is 24 hours). */
  end: string;
}

export interface WeekdayHours {
  weekday: Weekday;
  intervals: TimeInterval[];
}

export interface Closure {
  id: string;
  start: string;
  end: string;
  reason: string;
}

export interface TimeOff {
  id: string;
  stylistId: string;
  start: string;
  end: string;
  /** For admins and the stylist themself; null for others. */
  reason: string | null;
}

export interface SalonSchedule {
  /** Sent back as expectedVersion: an edit made meanwhile is refused, not overwritten. */
  version: number;
  timeZone: string;
  slotMinutes: number;
  /** null: not set, the salon is always open. */
  openingHours: WeekdayHours[] | null;
  closures: Closure[];
}

export interface StylistSchedule {
  /** Sent back as expectedVersion (0: never set). */
  version: number;
  stylistId: string;
  /** null: not set, the stylist works whenever the salon is open. */
  workingHours: WeekdayHours[] | null;
  allowOutsideOpeningHours: boolean;
  timeOff: TimeOff[];
}

export type ScheduleChangeKind =
  | "SALON_SETTINGS_SET"
  | "WORKING_HOURS_SET"
  | "TIME_OFF_ADDED"
  | "TIME_OFF_REMOVED"
  | "CLOSURE_ADDED"
  | "CLOSURE_REMOVED";

/** A schedule edit on the live feed: stylistId null for a salon-wide one. */
export interface ScheduleChangeNotice {
  kind: ScheduleChangeKind;
  stylistId: string | null;
}

/** A typed refusal with the extra fields some errors carry. */
export interface Refusal extends TypedError {
  field?: string | null;
  currentVersion?: number;
}
