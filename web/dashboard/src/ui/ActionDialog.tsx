import { useEffect, useRef, useState } from "preact/hooks";
import { ACTION_LABELS } from "../format";
import type { AvailableAction } from "../types";

interface Props {
  available: AvailableAction;
  onConfirm: (reason: string | undefined) => void;
  onClose: () => void;
}

/** A modal <dialog> for an action that asks for a confirmation or a reason; Escape closes it,
 * and the caller returns the focus to the button that opened it. */
export function ActionDialog({ available, onConfirm, onClose }: Props) {
  const dialog = useRef<HTMLDialogElement>(null);
  const [reason, setReason] = useState("");
  const name = ACTION_LABELS[available.action];
  useEffect(() => {
    const element = dialog.current;
    if (element && !element.open) element.showModal();
    return () => element?.close();
  }, []);
  const missing = available.requiresReason && reason.trim() === "";
  return (
    <dialog ref={dialog} aria-labelledby="action-title" onClose={onClose} class="action-dialog">
      <form
        onSubmit={(event) => {
          event.preventDefault();
          if (missing) return;
          onConfirm(reason.trim() || undefined);
        }}
      >
        <h3 id="action-title">{`${name}?`}</h3>
        {available.warning && <p class="warning">{available.warning}</p>}
        {available.requiresReason && (
          <>
            <label for="action-reason">Reason</label>
            {/* one line: Enter sends, as with every other field of the dialog */}
            <input
              id="action-reason"
              type="text"
              autocomplete="off"
              maxLength={500}
              value={reason}
              onInput={(event) => setReason(event.currentTarget.value)}
            />
          </>
        )}
        <div class="buttons">
          <button type="submit" class="primary" disabled={missing}>
            {name}
          </button>
          <button type="button" onClick={() => dialog.current?.close()}>
            Back
          </button>
        </div>
      </form>
    </dialog>
  );
}
