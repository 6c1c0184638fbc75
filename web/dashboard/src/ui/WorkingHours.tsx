import { useState } from "preact/hooks";
import { absenceText, dayText, shownSpans, WEEKDAY_LABELS } from "../hours";
import { mayEditSalon, mayEditTimeOff, removeClosure, removeTimeOff, stylistInView } from "../schedules";
import type { State } from "../store";
import type { Closure, Refusal, SalonSchedule, StylistSchedule, TimeOff } from "../types";
import { WEEKDAYS } from "../zones";
import { ReasonDialog } from "./ReasonDialog";
import { AddAbsence, EditSalon, EditWorkingHours } from "./ScheduleForms";
import { Timeline } from "./Timeline";

/** The stylist in view's week, the salon's opening hours, time off and closures in the range
 * shown, when they work (the timeline), and the edits the viewer may make. */
export function WorkingHours({ state }: { state: State }) {
  const { salon, stylistSchedule, me } = state;
  if (!me || (me.role !== "ADMIN" && me.role !== "STYLIST")) return null;
  const stylistId = stylistInView(state);
  const name =
    me.id === stylistId ? me.displayName : state.stylists.find((s) => s.id === stylistId)?.displayName;
  const stylist = stylistSchedule?.stylistId === stylistId ? stylistSchedule : null;
  return (
    <section class="hours" aria-labelledby="hours-title">
      <h2 id="hours-title" tabIndex={-1}>{name ? `Working hours · ${name}` : "Working hours"}</h2>
      {state.scheduleFailed && (
        <p role="alert" class="alert">
          {`The schedule could not be loaded: ${state.scheduleFailed}`}
        </p>
      )}
      {!salon ? (
        <p class="muted">Loading…</p>
      ) : (
        <>
          <p class="zone">
            Times of day are in <strong>{salon.timeZone}</strong>, the salon's time zone.
          </p>
          {!stylistId && <p class="muted">Pick a stylist with the Stylist filter to see their working hours.</p>}
          {stylistId && !stylist && <p class="muted">Loading…</p>}
          <div class="at-a-glance">
            <div>
              <Week salon={salon} stylist={stylist} />
            </div>
            <div>
              <Timeline state={state} shown={shownSpans(state)} />
            </div>
          </div>
          {stylist && stylistId && (
            <Absences
              title="Time off"
              zone={salon.timeZone}
              items={stylist.timeOff}
              editable={mayEditTimeOff(state, stylistId)}
              remove={removeTimeOff}
            />
          )}
          <Absences
            title="Closures"
            zone={salon.timeZone}
            items={salon.closures}
            editable={mayEditSalon(state)}
            remove={removeClosure}
          />
          {stylist && stylistId && mayEditTimeOff(state, stylistId) && (
            <AddAbsence key={stylistId} kind="time off" zone={salon.timeZone} stylistId={stylistId} />
          )}
          {mayEditSalon(state) && stylist && (
            <EditWorkingHours key={stylist.stylistId} salon={salon} stylist={stylist} />
          )}
          {mayEditSalon(state) && <AddAbsence kind="closure" zone={salon.timeZone} />}
          {mayEditSalon(state) && <EditSalon salon={salon} />}
        </>
      )}
    </section>
  );
}

function Week({ salon, stylist }: { salon: SalonSchedule; stylist: StylistSchedule | null }) {
  const opening = salon.openingHours;
  const own = stylist?.workingHours ?? null;
  return (
    <>
      {stylist && !own && (
        <p class="unset">
          {opening
            ? "Weekly hours not set: works whenever the salon is open."
            : "Weekly hours not set, and the salon has no opening hours: works at any time."}
        </p>
      )}
      {stylist?.allowOutsideOpeningHours && own && (
        <p class="unset">These hours may lie outside the opening hours (an admin allowed it).</p>
      )}
      {!opening && <p class="unset">Opening hours not set: the salon is always open.</p>}
      <table aria-label="Weekly hours" class="week">
        <thead>
          <tr>
            <th scope="col">Day</th>
            {stylist && <th scope="col">Works</th>}
            <th scope="col">Salon open</th>
          </tr>
        </thead>
        <tbody>
          {WEEKDAYS.map((weekday) => (
            <tr key={weekday}>
              <th scope="row">{WEEKDAY_LABELS[weekday]}</th>
              {stylist && <td>{own ? dayText(own, weekday) : "Not set"}</td>}
              <td>{opening ? dayText(opening, weekday) : "Not set"}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p class="muted">{`Bookings start on a ${salon.slotMinutes}-minute grid.`}</p>
    </>
  );
}

interface AbsencesProps {
  title: "Time off" | "Closures";
  zone: string;
  items: (TimeOff | Closure)[];
  editable: boolean;
  remove: (id: string, reason: string) => Promise<Refusal | null>;
}

function Absences({ title, zone, items, editable, remove }: AbsencesProps) {
  const [removing, setRemoving] = useState<{ item: TimeOff | Closure; opener: HTMLElement } | null>(null);
  const what = title === "Time off" ? "time off" : "closure";
  return (
    <>
      <h3>{`${title} in this range`}</h3>
      {items.length === 0 && <p class="muted">{title === "Time off" ? "No time off." : "No closures."}</p>}
      <ul aria-label={title} class="absences">
        {items.map((item) => {
          const text = absenceText(zone, item);
          return (
            <li key={item.id}>
              <span>{text}</span>
              {item.reason && <span class="muted">{` · ${item.reason}`}</span>}
              {editable && (
                <button
                  type="button"
                  aria-label={`Remove ${what} ${text}`}
                  onClick={(event) => setRemoving({ item, opener: event.currentTarget })}
                >
                  Remove
                </button>
              )}
            </li>
          );
        })}
      </ul>
      {removing && (
        <ReasonDialog
          title={`Remove ${what}?`}
          detail={absenceText(zone, removing.item)}
          confirm={`Remove ${what}`}
          send={(reason) => remove(removing.item.id, reason)}
          onClose={() => {
            removing.opener.isConnected ? removing.opener.focus() : document.getElementById("hours-title")?.focus();
            setRemoving(null);
          }}
        />
      )}
    </>
  );
}
