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
  }
}
${ROW}
${CHANGE}
${NOTE}`;
