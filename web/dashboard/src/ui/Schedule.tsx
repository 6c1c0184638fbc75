import {
  filterStylist,
  move,
  nextPage,
  openBooking,
  previousPage,
  showView,
  today,
} from "../controller";
import { bookingTime, rangeTitle, STATUS_LABELS } from "../format";
import { shownSpans } from "../hours";
import { store, type State } from "../store";
import type { Booking } from "../types";
import { covers } from "../zones";

/** A live booking of the stylist in view outside their working time (as the page reads it). */
function outside(state: State, booking: Booking): boolean {
  const shown = state.stylistSchedule ? shownSpans(state) : null;
  if (!shown || booking.stylist.id !== shown.stylistId) return false;
  if (booking.status === "CANCELLED" || booking.status === "NO_SHOW") return false;
  return !covers(shown.spans, Date.parse(booking.startTime), Date.parse(booking.endTime));
}

export function Schedule({ state }: { state: State }) {
  const { view, rows, me } = state;
  const open = (id: string) => void openBooking(id);
  return (
    <section class="schedule" aria-labelledby="range-title">
      <div class="toolbar">
        <div class="group" role="group" aria-label="View">
          <button type="button" aria-pressed={view === "day"} onClick={() => showView("day")}>
            Day
          </button>
          <button type="button" aria-pressed={view === "week"} onClick={() => showView("week")}>
            Week
          </button>
        </div>
        <div class="group" role="group" aria-label="Move">
          <button type="button" onClick={() => move(-1)}>
            Previous
          </button>
          <button type="button" onClick={today}>
            Today
          </button>
          <button type="button" onClick={() => move(1)}>
            Next
          </button>
        </div>
        {me?.role === "ADMIN" && (
          <div class="stylist-filter">
            <label for="stylist">Stylist</label>
            <select
              id="stylist"
              value={state.stylistId}
              onChange={(event) => filterStylist(event.currentTarget.value)}
            >
              <option value="">All stylists</option>
              {state.stylists.map((stylist) => (
                <option key={stylist.id} value={stylist.id}>
                  {stylist.displayName}
                </option>
              ))}
            </select>
          </div>
        )}
      </div>
      <h2 id="range-title">{rangeTitle(view, store.range())}</h2>
      <table aria-label="Bookings" aria-busy={state.loading}>
        <thead>
          <tr>
            <th scope="col">Time</th>
            <th scope="col">Status</th>
            <th scope="col">Service</th>
            <th scope="col">Customer</th>
            <th scope="col">Stylist</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((booking) => {
            const status = store.statusOf(booking);
            return (
              <tr
                key={booking.id}
                data-booking-id={booking.id}
                tabIndex={0}
                aria-current={state.openId === booking.id ? "true" : undefined}
                class={state.openId === booking.id ? "open" : undefined}
                onClick={() => open(booking.id)}
                onKeyDown={(event) => {
                  if (event.key === "Enter" || event.key === " ") {
                    event.preventDefault();
                    open(booking.id);
                  }
                }}
              >
                <td>
                  {bookingTime(booking, view)}
                  {outside(state, booking) && <span class="outside">Outside working hours</span>}
                </td>
                <td>
                  <span class={`status ${status.toLowerCase()}`}>{STATUS_LABELS[status]}</span>
                </td>
                <td>{booking.service.name}</td>
                <td>{booking.customer.displayName}</td>
                <td>{booking.stylist.displayName}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {rows.length === 0 && !state.loading && <p class="empty">No bookings in this range.</p>}
      {state.loading && rows.length === 0 && <p class="empty">Loading…</p>}
      <div class="pages">
        {state.pageCursors.length > 1 && (
          <button type="button" onClick={previousPage}>
            Previous page
          </button>
        )}
        {state.hasNextPage && (
          <button type="button" onClick={nextPage}>
            Next page
          </button>
        )}
      </div>
    </section>
  );
}
