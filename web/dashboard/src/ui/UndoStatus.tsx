import { useEffect, useState } from "preact/hooks";
import { takeAction } from "../controller";
import { store } from "../store";
import type { Booking } from "../types";

/** After START: the undo, with the seconds left, until the API's availableUntil passes. */
export function UndoStatus({ undo, busy }: { undo: { booking: Booking; until: number }; busy: boolean }) {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const timer = window.setInterval(() => setNow(Date.now()), 1000);
    return () => window.clearInterval(timer);
  }, []);
  const left = Math.ceil((undo.until - now) / 1000);
  useEffect(() => {
    if (left <= 0 && store.state.undo === undo) store.update({ undo: null });
  }, [left, undo]);
  const available = undo.booking.availableActions.find((a) => a.action === "UNDO_START");
  if (left <= 0 || !available) return null;
  return (
    <div role="status" aria-label="Undo" class="undo">
      <span>
        {undo.booking.service.name} with {undo.booking.customer.displayName} started. {left} s left to
        undo.
      </span>
      <button type="button" disabled={busy} onClick={() => void takeAction(undo.booking, available)}>
        Undo start
      </button>
    </div>
  );
}
