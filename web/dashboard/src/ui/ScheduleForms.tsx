import type { ComponentChildren } from "preact";
import { useRef, useState } from "preact/hooks";
import { addClosure, addTimeOff, setSalonSchedule, setWorkingHours } from "../schedules";
import type { Refusal, SalonSchedule, StylistSchedule } from "../types";
import { isoFromLocal } from "../zones";
import { draftOf, HoursEditor, hoursOf, type Draft } from "./HoursEditor";
import { RefusalText } from "./RefusalText";

const SLOT_MINUTES = [5, 10, 15, 20, 30, 60];
const ZONES: string[] =
  typeof Intl.supportedValuesOf === "function" ? Intl.supportedValuesOf("timeZone") : [];

type Send = (reason: string) => Promise<Refusal | null>;

/** What every edit form shares: its reason, the refusal shown beside it (what was typed
 * stays), the submit disabled in flight and until a reason is given. */
function useEdit() {
  const [reason, setReason] = useState("");
  const [busy, setBusy] = useState(false);
  const [refusal, setRefusal] = useState<Refusal | null>(null);
  /** Sends; the refusal, or null when the edit was made. */
  const run = async (send: Send): Promise<Refusal | null> => {
    if (busy || !reason.trim()) return refusal;
    setBusy(true);
    const refused = await send(reason.trim());
    setBusy(false);
    setRefusal(refused);
    if (!refused) setReason("");
    return refused;
  };
  return { reason, setReason, busy, refusal, setRefusal, run };
}

type Edit = ReturnType<typeof useEdit>;

interface FormProps {
  name: string;
  id: string;
  edit: Edit;
  submit: string;
  onSubmit: () => void;
  children: ComponentChildren;
}

function EditForm({ name, id, edit, submit, onSubmit, children }: FormProps) {
  return (
    <form
      aria-label={name}
      class="edit"
      aria-busy={edit.busy}
      onSubmit={(event) => {
        event.preventDefault();
        onSubmit();
      }}
    >
      <h4>{name}</h4>
      {children}
      <label for={`${id}-reason`}>Reason</label>
      <input
        id={`${id}-reason`}
        type="text"
        autocomplete="off"
        maxLength={500}
        required
        value={edit.reason}
        onInput={(event) => edit.setReason(event.currentTarget.value)}
      />
      <RefusalText refusal={edit.refusal} />
      <button type="submit" class="primary" disabled={edit.busy || !edit.reason.trim()}>
        {edit.busy ? "Saving…" : submit}
      </button>
    </form>
  );
}

interface AbsenceProps {
  kind: "time off" | "closure";
  zone: string;
  /** Time off: whose. */
  stylistId?: string;
}

const ABSENCE_LABELS = {
  "time off": { name: "Add time off", from: "Away from", until: "Back at" },
  closure: { name: "Add closure", from: "Closed from", until: "Open again at" },
};

/** Time off or a closure: two datetime-local fields read in the salon's zone, and a reason. */
export function AddAbsence({ kind, zone, stylistId }: AbsenceProps) {
  const edit = useEdit();
  const [start, setStart] = useState("");
  const [end, setEnd] = useState("");
  const labels = ABSENCE_LABELS[kind];
  const id = kind === "closure" ? "closure" : "time-off";
  const submit = () => {
    const from = isoFromLocal(zone, start);
    const until = isoFromLocal(zone, end);
    if (!from || !until) {
      const field = from ? "end" : "start";
      const message = "Give a date and a time for both ends.";
      return edit.setRefusal({ __typename: "Local", code: "VALIDATION_FAILED", message, field });
    }
    const send: Send = (reason) =>
      stylistId
        ? addTimeOff({ stylistId, start: from, end: until, reason })
        : addClosure({ start: from, end: until, reason });
    void edit.run(send).then((refused) => {
      if (refused) return;
      setStart("");
      setEnd("");
    });
  };
  return (
    <EditForm name={labels.name} id={id} edit={edit} submit={labels.name} onSubmit={submit}>
      <div class="dated">
        <label for={`${id}-start`}>{`${labels.from} (${zone})`}</label>
        <input
          id={`${id}-start`}
          type="datetime-local"
          required
          disabled={edit.busy}
          value={start}
          onInput={(event) => setStart(event.currentTarget.value)}
        />
        <label for={`${id}-end`}>{`${labels.until} (${zone})`}</label>
        <input
          id={`${id}-end`}
          type="datetime-local"
          required
          disabled={edit.busy}
          value={end}
          onInput={(event) => setEnd(event.currentTarget.value)}
        />
      </div>
    </EditForm>
  );
}

/** After a versioned edit: closed when made; after a conflict, the next send is against the
 * version now shown (the user has seen the refusal and the schedule that changed). */
function after(refused: Refusal | null, setExpected: (version: number) => void, close: () => void) {
  if (!refused) return close();
  if (refused.code === "VERSION_CONFLICT" && refused.currentVersion !== undefined) {
    setExpected(refused.currentVersion);
  }
}

/** A form behind a toggle button (aria-expanded), its draft made from the values when opened;
 * closed after a saved edit, with the focus back on the button. */
function Disclosure(props: { label: string; children: (close: () => void) => ComponentChildren }) {
  const [open, setOpen] = useState(false);
  const toggle = useRef<HTMLButtonElement>(null);
  const close = () => {
    setOpen(false);
    toggle.current?.focus();
  };
  return (
    <div class="disclosure">
      <button ref={toggle} type="button" aria-expanded={open} onClick={() => setOpen(!open)}>
        {props.label}
      </button>
      {open && props.children(close)}
    </div>
  );
}

interface HoursProps {
  salon: SalonSchedule;
  stylist: StylistSchedule;
}

export function EditWorkingHours({ salon, stylist }: HoursProps) {
  return (
    <Disclosure label="Edit weekly hours">
      {(close) => <WorkingHoursForm salon={salon} stylist={stylist} close={close} />}
    </Disclosure>
  );
}

function WorkingHoursForm({ salon, stylist, close }: HoursProps & { close: () => void }) {
  const edit = useEdit();
  const [set, setSet] = useState(stylist.workingHours !== null);
  const [draft, setDraft] = useState<Draft>(() =>
    draftOf(stylist.workingHours ?? salon.openingHours, [{ start: "09:00", end: "17:00" }]),
  );
  const [outside, setOutside] = useState(stylist.allowOutsideOpeningHours);
  const [expected, setExpected] = useState(stylist.version);
  const submit = () => {
    const input = {
      stylistId: stylist.stylistId,
      workingHours: set ? hoursOf(draft) : null,
      allowOutsideOpeningHours: set && outside,
      expectedVersion: expected,
    };
    void edit
      .run((reason) => setWorkingHours({ ...input, reason }))
      .then((refused) => after(refused, setExpected, close));
  };
  return (
    <EditForm name="Weekly hours" id="weekly" edit={edit} submit="Save weekly hours" onSubmit={submit}>
      <p class="muted">{`Times in ${salon.timeZone}; an end at or before the start is the next day.`}</p>
      <label class="check">
        <input
          type="checkbox"
          checked={set}
          disabled={edit.busy}
          onChange={(event) => setSet(event.currentTarget.checked)}
        />
        Set weekly hours (unticked: not set, works whenever the salon is open)
      </label>
      {set && (
        <>
          <HoursEditor name="Working hours" draft={draft} onChange={setDraft} disabled={edit.busy} />
          <label class="check">
            <input
              type="checkbox"
              aria-describedby="outside-hint"
              checked={outside}
              disabled={edit.busy}
              onChange={(event) => setOutside(event.currentTarget.checked)}
            />
            Allow outside opening hours
          </label>
          <span id="outside-hint" class="muted">
            An exception to the opening hours: say why below.
          </span>
        </>
      )}
    </EditForm>
  );
}

export function EditSalon({ salon }: { salon: SalonSchedule }) {
  return (
    <Disclosure label="Edit salon schedule">
      {(close) => <SalonForm salon={salon} close={close} />}
    </Disclosure>
  );
}

function SalonForm({ salon, close }: { salon: SalonSchedule; close: () => void }) {
  const edit = useEdit();
  const [zone, setZone] = useState(salon.timeZone);
  const [slot, setSlot] = useState(salon.slotMinutes);
  const [set, setSet] = useState(salon.openingHours !== null);
  const [draft, setDraft] = useState<Draft>(() =>
    draftOf(salon.openingHours, [{ start: "09:00", end: "18:00" }]),
  );
  const [expected, setExpected] = useState(salon.version);
  const submit = () => {
    const input = {
      timeZone: zone.trim(),
      slotMinutes: slot,
      openingHours: set ? hoursOf(draft) : null,
      expectedVersion: expected,
    };
    void edit
      .run((reason) => setSalonSchedule({ ...input, reason }))
      .then((refused) => after(refused, setExpected, close));
  };
  return (
    <EditForm name="Salon schedule" id="salon" edit={edit} submit="Save salon schedule" onSubmit={submit}>
      <label for="salon-zone">Time zone (IANA, e.g. Europe/Berlin)</label>
      <input
        id="salon-zone"
        type="text"
        list="zones"
        autocomplete="off"
        required
        maxLength={64}
        disabled={edit.busy}
        value={zone}
        onInput={(event) => setZone(event.currentTarget.value)}
      />
      <datalist id="zones">
        {ZONES.map((name) => (
          <option key={name} value={name} />
        ))}
      </datalist>
      <label for="salon-slot">Slot grid (minutes)</label>
      <select
        id="salon-slot"
        disabled={edit.busy}
        value={String(slot)}
        onChange={(event) => setSlot(Number(event.currentTarget.value))}
      >
        {SLOT_MINUTES.map((minutes) => (
          <option key={minutes} value={String(minutes)}>
            {minutes}
          </option>
        ))}
      </select>
      <label class="check">
        <input
          type="checkbox"
          checked={set}
          disabled={edit.busy}
          onChange={(event) => setSet(event.currentTarget.checked)}
        />
        Set opening hours (unticked: not set, always open)
      </label>
      {set && <HoursEditor name="Opening hours" draft={draft} onChange={setDraft} disabled={edit.busy} />}
    </EditForm>
  );
}
