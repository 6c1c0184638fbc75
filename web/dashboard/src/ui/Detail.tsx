import { useEffect, useRef, useState } from "preact/hooks";
import { addNote, closeBooking, takeAction } from "../controller";
import { ACTION_LABELS, longTime, price, STATUS_LABELS, when } from "../format";
import { store, type State } from "../store";
import type { AvailableAction, BookingDetail } from "../types";
import { ActionDialog } from "./ActionDialog";

export function Detail({ state }: { state: State }) {
  const { detail, openId } = state;
  const pane = useRef<HTMLElement>(null);
  useEffect(() => pane.current?.focus(), [openId]);
  const back = () => {
    closeBooking();
    // the focus returns to the row that opened the detail
    window.setTimeout(() => document.querySelector<HTMLElement>(`tr[data-booking-id="${openId}"]`)?.focus());
  };
  return (
    <section
      ref={pane}
      tabIndex={-1}
      aria-label="Booking details"
      class="detail"
      onKeyDown={(event) => event.key === "Escape" && !event.defaultPrevented && !document.querySelector("dialog[open]") && back()}
    >
      <button type="button" class="back" onClick={back}>
        Back to schedule
      </button>
      {detail?.id === openId && detail ? <Booking detail={detail} busy={state.inFlight.has(detail.id)} /> : <p>Loading…</p>}
    </section>
  );
}

function Booking({ detail, busy }: { detail: BookingDetail; busy: boolean }) {
  const status = store.statusOf(detail);
  return (
    <>
      <h3>
        {detail.service.name} · {detail.customer.displayName}
      </h3>
      <dl class="facts">
        <dt>Status</dt>
        <dd>
          <span class={`status ${status.toLowerCase()}`}>{STATUS_LABELS[status]}</span>
        </dd>
        <dt>Time</dt>
        <dd>{longTime(detail)}</dd>
        <dt>Service</dt>
        <dd>{detail.service.name}</dd>
        <dt>Customer</dt>
        <dd>{detail.customer.displayName}</dd>
        <dt>Stylist</dt>
        <dd>{detail.stylist.displayName}</dd>
        <dt>Price</dt>
        <dd>{price(detail)}</dd>
        <dt>Version</dt>
        <dd>{detail.version}</dd>
      </dl>
      <Actions detail={detail} busy={busy} />
      <History detail={detail} />
      {detail.notes && <Notes detail={detail} busy={busy} />}
    </>
  );
}

/** When the button pressed is gone (the action is no longer offered), focus the pane. */
function keepFocus(): void {
  if (document.activeElement === document.body) {
    document.querySelector<HTMLElement>("section.detail")?.focus();
  }
}

function Actions({ detail, busy }: { detail: BookingDetail; busy: boolean }) {
  const [asking, setAsking] = useState<{ available: AvailableAction; opener: HTMLElement } | null>(null);
  const choose = (available: AvailableAction, opener: HTMLElement) => {
    if (available.requiresConfirmation || available.requiresReason) setAsking({ available, opener });
    else void takeAction(detail, available).then(keepFocus); // one click: COMPLETE, START…
  };
  if (detail.availableActions.length === 0) return <p class="muted">No actions are available now.</p>;
  return (
    <div class="actions">
      <h4>Actions</h4>
      <div class="buttons">
        {detail.availableActions.map((available) => {
          const suggested = available.action === detail.suggestedAction;
          return (
            <button
              key={available.action}
              type="button"
              class={suggested ? "primary" : undefined}
              aria-describedby={suggested ? "suggested-hint" : undefined}
              disabled={busy}
              onClick={(event) => choose(available, event.currentTarget)}
            >
              {ACTION_LABELS[available.action]}
            </button>
          );
        })}
        {detail.suggestedAction && (
          <span id="suggested-hint" class="hint">
            Suggested
          </span>
        )}
      </div>
      {asking && (
        <ActionDialog
          available={asking.available}
          onConfirm={(reason) => {
            const { available, opener } = asking;
            setAsking(null);
            opener.focus();
            void takeAction(detail, available, reason).then(keepFocus);
          }}
          onClose={() => {
            asking.opener.focus();
            setAsking(null);
          }}
        />
      )}
    </div>
  );
}

function History({ detail }: { detail: BookingDetail }) {
  return (
    <>
      <h4 id="history-title">Status history</h4>
      <ol aria-label="Status history" class="history">
        {detail.statusHistory.map((change) => (
          <li key={change.id}>
            <strong>
              {STATUS_LABELS[change.fromStatus]} → {STATUS_LABELS[change.toStatus]}
            </strong>{" "}
            · {ACTION_LABELS[change.action]} · by {change.actorRole.toLowerCase()} · {when(change.createdAt)}
            {change.reason && <div>Reason: {change.reason}</div>}
            {change.ipAddress && <div>IP address: {change.ipAddress}</div>}
            {change.userAgent && <div>User agent: {change.userAgent}</div>}
          </li>
        ))}
      </ol>
    </>
  );
}

function Notes({ detail, busy }: { detail: BookingDetail; busy: boolean }) {
  const [body, setBody] = useState("");
  const notes = detail.notes ?? [];
  return (
    <>
      <h4>Notes</h4>
      {notes.length === 0 && <p class="muted">No notes yet.</p>}
      <ul aria-label="Notes" class="notes">
        {notes.map((note) => (
          <li key={note.id}>
            {/* bodyHtml is sanitised by the server, the one home of sanitising: shown as it is */}
            <div class="note-body" dangerouslySetInnerHTML={{ __html: note.bodyHtml }} />
            <small>{when(note.createdAt)}</small>
          </li>
        ))}
      </ul>
      <form
        class="new-note"
        onSubmit={(event) => {
          event.preventDefault();
          if (!body.trim()) return;
          void addNote(detail.id, body).then((added) => added && setBody(""));
        }}
      >
        <label for="new-note">New note</label>
        <textarea
          id="new-note"
          rows={3}
          maxLength={2000}
          placeholder="Markdown: **bold**, *italic*, - lists"
          value={body}
          onInput={(event) => setBody(event.currentTarget.value)}
        />
        <button type="submit" disabled={busy || !body.trim()}>
          Add note
        </button>
      </form>
    </>
  );
}
