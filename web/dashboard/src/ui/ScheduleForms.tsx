import type { ComponentChildren } from "preact";
import { useState } from "preact/hooks";
import { addClosure, addTimeOff, setSalonSchedule, setWorkingHours } from "../schedules";
import type { Refusal, SalonSchedule, StylistSchedule } from "../types";
import { isoFromLocal } from "../zones";
import { draftOf, HoursEditor, hoursOf, type Draft } from "./HoursEditor";
import { RefusalText } from "./RefusalText";

const SLOT_MINUTES = [5, 10, 15, 20, 30, 60];
const ZONES: string[] = typeof Intl.supportedValuesOf === "function" ? Intl.supportedValuesOf("timeZone") : [];

/** What every edit form shares: its reason, the refusal shown beside it (what was typed
 * stays), the submit disabled in flight and until a reason is given. */
function useEdit() {
  const [reason, setReason] = useState("");
  const [busy, setBusy] = useState(false);
  const [refusal, setRefusal] = useState<Refusal | null>(null);
  /** Sends; the refusal, or null when the edit was made. */
  const run = async (send: (reason: string) => Promise<Refusal | null>): Promise<Refusal | null> => {
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

/** A dated interval typed in the salon's zone (datetime-local fields). */
function Interval(props: { id: string; from: string; until: string; zone: string; value: [string, string]; onChange: (value: [string, string]) => void; disabled: boolean }) {
  const { id, from, until, zone, value, onChange, disabled } = props;
  return (
    <div class="dated">
      <label for={`${id}-start`}>{`${from} (${zone})`}</label>
      <input id={`${id}-start`} type="datetime-local" required disabled={disabled} value={value[0]} onInput={(e) => onChange([e.currentTarget.value, value[1]])} />
      <label for={`${id}-end`}>{`${until} (${zone})`}</label>
      <input id={`${id}-end`} type="datetime-local" required disabled={disabled} value={value[1]} onInput={(e) => onChange([value[0], e.currentTarget.value])} />
    </div>
  );
}

function dated(zone: string, [start, end]: [string, string]): { start: string; end: string } | Refusal {
  const from = isoFromLocal(zone, start);
  const until = isoFromLocal(zone, end);
  if (from && until) return { start: from, end: until };
  return { __typename: "Local", code: "VALIDATION_FAILED", message: "Give a date and a time for both ends.", field: from ? "end" : "start" };
}

export function AddTimeOff({ zone, stylistId }: { zone: string; stylistId: string }) {
  const edit = useEdit();
  const [when, setWhen] = useState<[string, string]>(["", ""]);
  return (
    <EditForm name="Add time off" id="time-off" edit={edit} submit="Add time off" onSubmit={() => {
      const span = dated(zone, when);
      if ("code" in span) return edit.setRefusal(span);
      void edit.run((reason) => addTimeOff({ stylistId, ...span, reason })).then((refused) => refused || setWhen(["", ""]));
    }}>
      <Interval id="time-off" from="Away from" until="Back at" zone={zone} value={when} onChange={setWhen} disabled={edit.busy} />
    </EditForm>
  );
}

export function AddClosure({ zone }: { zone: string }) {
  const edit = useEdit();
  const [when, setWhen] = useState<[string, string]>(["", ""]);
  return (
    <EditForm name="Add closure" id="closure" edit={edit} submit="Add closure" onSubmit={() => {
      const span = dated(zone, when);
      if ("code" in span) return edit.setRefusal(span);
      void edit.run((reason) => addClosure({ ...span, reason })).then((refused) => refused || setWhen(["", ""]));
    }}>
      <Interval id="closure" from="Closed from" until="Open again at" zone={zone} value={when} onChange={setWhen} disabled={edit.busy} />
    </EditForm>
  );
}

/** After a versioned edit: closed when made; after a conflict, the next send is against the
 * version now shown (the user has seen the refusal and the schedule that changed). */
function after(refused: Refusal | null, setExpected: (version: number) => void, close: () => void): void {
  if (!refused) return close();
  if (refused.code === "VERSION_CONFLICT" && refused.currentVersion !== undefined) setExpected(refused.currentVersion);
}

/** A form behind a toggle button (aria-expanded), its draft made from the values when opened. */
function Disclosure({ label, children }: { label: string; children: (close: () => void) => ComponentChildren }) {
  const [open, setOpen] = useState(false);
  return (
    <div class="disclosure">
      <button type="button" aria-expanded={open} onClick={() => setOpen(!open)}>
        {label}
      </button>
      {open && children(() => setOpen(false))}
    </div>
  );
}

export function EditWorkingHours({ salon, stylist }: { salon: SalonSchedule; stylist: StylistSchedule }) {
  return (
    <Disclosure label="Edit weekly hours" key={stylist.stylistId}>
      {(close) => <WorkingHoursForm salon={salon} stylist={stylist} close={close} />}
    </Disclosure>
  );
}

function WorkingHoursForm({ salon, stylist, close }: { salon: SalonSchedule; stylist: StylistSchedule; close: () => void }) {
  const edit = useEdit();
  const [set, setSet] = useState(stylist.workingHours !== null);
  const [draft, setDraft] = useState<Draft>(() => draftOf(stylist.workingHours ?? salon.openingHours, [{ start: "09:00", end: "17:00" }]));
  const [outside, setOutside] = useState(stylist.allowOutsideOpeningHours);
  const [expected, setExpected] = useState(stylist.version);
  return (
    <EditForm name="Weekly hours" id="weekly" edit={edit} submit="Save weekly hours" onSubmit={() => {
      const input = { stylistId: stylist.stylistId, workingHours: set ? hoursOf(draft) : null, allowOutsideOpeningHours: set && outside, expectedVersion: expected };
      void edit.run((reason) => setWorkingHours({ ...input, reason })).then((refused) => after(refused, setExpected, close));
    }}>
      <p class="muted">{`Times in ${salon.timeZone}; an end at or before the start is the next day.`}</p>
      <label class="check">
        <input type="checkbox" checked={set} disabled={edit.busy} onChange={(e) => setSet(e.currentTarget.checked)} />
        Set weekly hours (unticked: not set, works whenever the salon is open)
      </label>
      {set && (
        <>
          <HoursEditor name="Working hours" draft={draft} onChange={setDraft} disabled={edit.busy} />
          <label class="check">
            <input type="checkbox" aria-describedby="outside-hint" checked={outside} disabled={edit.busy} onChange={(e) => setOutside(e.currentTarget.checked)} />
            Allow outside opening hours
          </label>
          <span id="outside-hint" class="muted">An exception to the opening hours: say why below.</span>
        </>
      )}
    </EditForm>
  );
}

export function EditSalon({ salon }: { salon: SalonSchedule }) {
  return <Disclosure label="Edit salon schedule">{(close) => <SalonForm salon={salon} close={close} />}</Disclosure>;
}

function SalonForm({ salon, close }: { salon: SalonSchedule; close: () => void }) {
  const edit = useEdit();
  const [zone, setZone] = useState(salon.timeZone);
  const [slot, setSlot] = useState(salon.slotMinutes);
  const [set, setSet] = useState(salon.openingHours !== null);
  const [draft, setDraft] = useState<Draft>(() => draftOf(salon.openingHours, [{ start: "09:00", end: "18:00" }]));
  const [expected, setExpected] = useState(salon.version);
  return (
    <EditForm name="Salon schedule" id="salon" edit={edit} submit="Save salon schedule" onSubmit={() => {
      const input = { timeZone: zone.trim(), slotMinutes: slot, openingHours: set ? hoursOf(draft) : null, expectedVersion: expected };
      void edit.run((reason) => setSalonSchedule({ ...input, reason })).then((refused) => after(refused, setExpected, close));
    }}>
      <label for="salon-zone">Time zone (IANA, e.g. Europe/Berlin)</label>
      <input id="salon-zone" type="text" list="zones" autocomplete="off" required maxLength={64} disabled={edit.busy} value={zone} onInput={(e) => setZone(e.currentTarget.value)} />
      <datalist id="zones">
        {ZONES.map((name) => (
          <option key={name} value={name} />
        ))}
      </datalist>
      <label for="salon-slot">Slot grid (minutes)</label>
      <select id="salon-slot" disabled={edit.busy} value={String(slot)} onChange={(e) => setSlot(Number(e.currentTarget.value))}>
        {SLOT_MINUTES.map((minutes) => (
          <option key={minutes} value={String(minutes)}>
            {minutes}
          </option>
        ))}
      </select>
      <label class="check">
        <input type="checkbox" checked={set} disabled={edit.busy} onChange={(e) => setSet(e.currentTarget.checked)} />
        Set opening hours (unticked: not set, always open)
      </label>
      {set && <HoursEditor name="Opening hours" draft={draft} onChange={setDraft} disabled={edit.busy} />}
    </EditForm>
  );
}
