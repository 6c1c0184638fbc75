import type { TimeInterval, Weekday, WeekdayHours } from "../types";
import { WEEKDAY_LABELS } from "../hours";
import { WEEKDAYS } from "../zones";

export type Draft = Record<Weekday, TimeInterval[]>;

export function draftOf(hours: WeekdayHours[] | null, fallback: TimeInterval[] = []): Draft {
  const draft = {} as Draft;
  for (const weekday of WEEKDAYS) {
    const found = hours?.find((entry) => entry.weekday === weekday);
    draft[weekday] = found ? found.intervals.map((i) => ({ ...i })) : hours ? [] : fallback.map((i) => ({ ...i }));
  }
  return draft;
}

/** Every weekday, in order (a day with no interval: off). */
export function hoursOf(draft: Draft): WeekdayHours[] {
  return WEEKDAYS.map((weekday) => ({ weekday, intervals: draft[weekday] }));
}

interface Props {
  /** Names the inputs: "Working hours Monday 1 from". */
  name: string;
  draft: Draft;
  onChange: (draft: Draft) => void;
  disabled: boolean;
}

/** One fieldset a weekday: intervals of two time inputs, added and removed by buttons. */
export function HoursEditor({ name, draft, onChange, disabled }: Props) {
  const change = (weekday: Weekday, intervals: TimeInterval[]) => onChange({ ...draft, [weekday]: intervals });
  return (
    <div class="hours-editor">
      {WEEKDAYS.map((weekday) => {
        const day = WEEKDAY_LABELS[weekday];
        const intervals = draft[weekday];
        return (
          <fieldset key={weekday} class="weekday">
            <legend>{day}</legend>
            {intervals.length === 0 && <span class="muted">Off</span>}
            {intervals.map((interval, index) => {
              const label = `${name} ${day} ${index + 1}`;
              const set = (part: Partial<TimeInterval>) =>
                change(weekday, intervals.map((old, i) => (i === index ? { ...old, ...part } : old)));
              return (
                <div class="interval" key={index}>
                  <input
                    type="time"
                    aria-label={`${label} from`}
                    required
                    disabled={disabled}
                    value={interval.start}
                    onInput={(event) => set({ start: event.currentTarget.value })}
                  />
                  <span aria-hidden="true">–</span>
                  <input
                    type="time"
                    aria-label={`${label} until`}
                    required
                    disabled={disabled}
                    value={interval.end}
                    onInput={(event) => set({ end: event.currentTarget.value })}
                  />
                  <button
                    type="button"
                    aria-label={`Remove ${label}`}
                    disabled={disabled}
                    onClick={() => change(weekday, intervals.filter((_, i) => i !== index))}
                  >
                    Remove
                  </button>
                </div>
              );
            })}
            <button
              type="button"
              aria-label={`Add ${name} ${day}`}
              disabled={disabled}
              onClick={() => {
                const first = intervals.length === 0;
                change(weekday, [...intervals, first ? { start: "09:00", end: "17:00" } : { start: "", end: "" }]);
              }}
            >
              Add interval
            </button>
          </fieldset>
        );
      })}
    </div>
  );
}
