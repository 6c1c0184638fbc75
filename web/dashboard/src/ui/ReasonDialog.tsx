import { useEffect, useRef, useState } from "preact/hooks";
import type { Refusal } from "../types";
import { RefusalText } from "./RefusalText";

interface Props {
  title: string;
  detail: string;
  confirm: string;
  /** Sends the edit with the reason: null when made, else the refusal to show here. */
  send: (reason: string) => Promise<Refusal | null>;
  onClose: () => void;
}

/** A modal <dialog> asking why (every schedule edit is audited with its reason); a refusal is
 * shown in it and the reason typed stays; Escape or Back closes it. */
export function ReasonDialog({ title, detail, confirm, send, onClose }: Props) {
  const dialog = useRef<HTMLDialogElement>(null);
  const [reason, setReason] = useState("");
  const [busy, setBusy] = useState(false);
  const [refusal, setRefusal] = useState<Refusal | null>(null);
  useEffect(() => {
    const element = dialog.current;
    if (element && !element.open) element.showModal();
    return () => element?.close();
  }, []);
  return (
    <dialog ref={dialog} aria-labelledby="reason-title" onClose={onClose} class="action-dialog">
      <form
        onSubmit={async (event) => {
          event.preventDefault();
          if (!reason.trim() || busy) return;
          setBusy(true);
          const refused = await send(reason.trim());
          setBusy(false);
          setRefusal(refused);
          if (!refused) dialog.current?.close();
        }}
      >
        <h3 id="reason-title">{title}</h3>
        <p>{detail}</p>
        <label for="edit-reason">Reason</label>
        <input
          id="edit-reason"
          type="text"
          autocomplete="off"
          maxLength={500}
          required
          value={reason}
          onInput={(event) => setReason(event.currentTarget.value)}
        />
        <RefusalText refusal={refusal} />
        <div class="buttons">
          <button type="submit" class="primary" disabled={busy || !reason.trim()}>
            {confirm}
          </button>
          <button type="button" onClick={() => dialog.current?.close()}>
            Back
          </button>
        </div>
      </form>
    </dialog>
  );
}
