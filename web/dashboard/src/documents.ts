// Every GraphQL document the dashboard sends.

const ROW = `fragment Row on Booking {
  id status startTime endTime version priceCents currency
  service { name } customer { id displayName } stylist { id displayName }
  availableActions { action requiresReason requiresConfirmation warning availableUntil }
  suggestedAction
}`;

const CHANGE = `fragment Change on BookingStatusChange {
  id fromStatus toStatus action actorId actorRole reason ipAddress userAgent createdAt
}`;

const NOTE = `fragment NoteFields on StylistNote { id authorId bodyHtml createdAt }`;

export const ME = `query Me { me { id role displayName } }`;

export const STYLISTS = `query Stylists { stylists { id role displayName } }`;

export const PAGE = `query Page($after: String, $filter: BookingFilter) {
  bookings(first: 50, after: $after, filter: $filter) {
    eventsCursor
    edges { node { ...Row } }
    pageInfo { hasNextPage endCursor }
  }
}
${ROW}`;

export const DETAIL = `query Detail($id: ID!) {
  booking(id: $id) { ...Row statusHistory { ...Change } notes { ...NoteFields } }
}
${ROW}
${CHANGE}
${NOTE}`;

export const TRANSITION = `mutation Transition($input: TransitionBookingInput!) {
  transitionBooking(input: $input) {
    __typename
    ... on TransitionBookingSuccess { booking { ...Row } statusChange { ...Change } }
    ... on Error { code message }
  }
}
${ROW}
${CHANGE}`;

export const ADD_NOTE = `mutation AddNote($input: AddStylistNoteInput!) {
  addStylistNote(input: $input) {
    __typename
    ... on AddStylistNoteSuccess { note { ...NoteFields } }
    ... on Error { code message }
  }
}
${NOTE}`;

export const EVENTS = `subscription Events($after: String) {
  bookingEvents(after: $after) {
    cursor kind bookingId
    booking { ...Row }
    statusChange { ...Change }
    note { ...NoteFields }
    scheduleChange { kind stylistId }
  }
}
${ROW}
${CHANGE}
${NOTE}`;

// Schedules: working hours, time off, closures (docs/schedules.md)

const HOURS = `fragment Hours on WeekdayHours { weekday intervals { start end } }`;

/** Every schedule mutation's refusal: the typed error, with the field or version it names. */
const REFUSAL = `... on Error { code message }
    ... on ValidationFailedError { field }`;
/** The refusals of an edit sent with expectedVersion. */
const VERSIONED = `${REFUSAL}
    ... on VersionConflictError { currentVersion }`;

export const SALON_SCHEDULE = `query SalonSchedule($from: DateTime!, $to: DateTime!) {
  salonSchedule {
    version timeZone slotMinutes openingHours { ...Hours }
    closures(from: $from, to: $to) { id start end reason }
  }
}
${HOURS}`;

export const STYLIST_SCHEDULE = `query StylistSchedule($stylistId: ID!, $from: DateTime!, $to: DateTime!) {
  stylistSchedule(stylistId: $stylistId) {
    version stylistId allowOutsideOpeningHours workingHours { ...Hours }
    timeOff(from: $from, to: $to) { id stylistId start end reason }
  }
}
${HOURS}`;

export const SET_SALON_SCHEDULE = `mutation SetSalonSchedule($input: SetSalonScheduleInput!) {
  setSalonSchedule(input: $input) {
    __typename
    ... on SetSalonScheduleSuccess { schedule { timeZone } }
    ${VERSIONED}
  }
}`;

export const SET_WORKING_HOURS = `mutation SetWorkingHours($input: SetWorkingHoursInput!) {
  setWorkingHours(input: $input) {
    __typename
    ... on SetWorkingHoursSuccess { schedule { stylistId } }
    ${VERSIONED}
  }
}`;

export const ADD_TIME_OFF = `mutation AddTimeOff($input: AddTimeOffInput!) {
  addTimeOff(input: $input) {
    __typename
    ... on AddTimeOffSuccess { timeOff { id } affectedBookings { id } }
    ${REFUSAL}
  }
}`;

export const REMOVE_TIME_OFF = `mutation RemoveTimeOff($input: RemoveTimeOffInput!) {
  removeTimeOff(input: $input) {
    __typename
    ... on RemoveTimeOffSuccess { timeOff { id } }
    ${REFUSAL}
  }
}`;

export const ADD_CLOSURE = `mutation AddClosure($input: AddClosureInput!) {
  addClosure(input: $input) {
    __typename
    ... on AddClosureSuccess { closure { id } affectedBookings { id } }
    ${REFUSAL}
  }
}`;

export const REMOVE_CLOSURE = `mutation RemoveClosure($input: RemoveClosureInput!) {
  removeClosure(input: $input) {
    __typename
    ... on RemoveClosureSuccess { closure { id } }
    ${REFUSAL}
  }
}`;
