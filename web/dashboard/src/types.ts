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
  | "RESYNC_REQUIRED";

export interface BookingEvent {
  cursor: string;
  kind: EventKind;
  bookingId: string | null;
  booking: Booking | null;
  statusChange: StatusChange | null;
  note: Note | null;
}

/** A typed error of a mutation's result union. */
export interface TypedError {
  __typename: string;
  code: string;
  message: string;
}
