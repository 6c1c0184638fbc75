import { rangeOf } from "../format";
import type { Shown } from "../hours";
import type { State } from "../store";
import { absences, intersect, type Span } from "../zones";

const clock = new Intl.DateTimeFormat("en-GB", { hour: "2-digit", minute: "2-digit" });
const dayName = new Intl.DateTimeFormat("en-GB", { weekday: "short", day: "numeric", month: "short" });

function spanText([start, end]: Span, dayEnd: number): string {
  return `${clock.format(start)}–${end >= dayEnd ? "24:00" : clock.format(end)}`;
}

/** One bar per day of the range shown (the schedule's days, in this device's zone): working
 * time plain, the rest shaded, time off and closures hatched; each day also said in words. */
export function Timeline({ state, shown }: { state: State; shown: Shown | null }) {
  if (!shown) return null;
  const range = rangeOf(state.view, state.anchor);
  const days: [number, number][] = [];
  for (let day = range.start; day < range.end; ) {
    const next = new Date(day.getFullYear(), day.getMonth(), day.getDate() + 1);
    days.push([day.getTime(), next.getTime()]);
    day = next;
  }
  const away = absences([...(state.stylistSchedule?.timeOff ?? []), ...(state.salon?.closures ?? [])]);
  const word = shown.stylistId ? "Working" : "Open";
  const none = shown.stylistId ? "Not working" : "Closed";
  const local = Intl.DateTimeFormat().resolvedOptions().timeZone;
  return (
    <>
      <h3>{shown.stylistId ? "When they work" : "When the salon is open"}</h3>
      {state.salon && local !== state.salon.timeZone && (
        <p class="muted">{`The bars' times are this device's (${local}).`}</p>
      )}
      <ul aria-label={shown.stylistId ? "Working time" : "Opening time"} class="timeline">
        {days.map(([start, end]) => {
          const on = intersect(shown.spans, [[start, end]]);
          const off = intersect(away, [[start, end]]);
          const place = ([s, e]: Span) => ({
            left: `${((s - start) / (end - start)) * 100}%`,
            width: `${((e - s) / (end - start)) * 100}%`,
          });
          return (
            <li key={start} data-day={new Date(start).toISOString()}>
              <span class="day">{dayName.format(start)}</span>
              <span class="words">
                {on.length ? `${word} ${on.map((span) => spanText(span, end)).join(", ")}` : none}
                {off.length > 0 && `; away ${off.map((span) => spanText(span, end)).join(", ")}`}
              </span>
              <div class="strip" aria-hidden="true">
                {on.map((span) => (
                  <span key={`on${span[0]}`} class="on" style={place(span)} />
                ))}
                {off.map((span) => (
                  <span key={`off${span[0]}`} class="away" style={place(span)} />
                ))}
              </div>
            </li>
          );
        })}
      </ul>
    </>
  );
}
