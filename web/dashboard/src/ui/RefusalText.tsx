import type { Refusal } from "../types";

const HINTS: Record<string, string> = {
  VERSION_CONFLICT:
    "Someone changed this meanwhile: the schedule above now shows it. Check, then send again to replace it.",
  FORBIDDEN: "Your role may not make this change.",
};

/** The API's typed refusal, beside the form that was refused: its message, the field it names. */
export function RefusalText({ refusal }: { refusal: Refusal | null }) {
  if (!refusal) return null;
  const hint = HINTS[refusal.code];
  return (
    <p role="alert" class="alert refusal" data-code={refusal.code}>
      {refusal.message}
      {refusal.field && <span class="field">{` (field: ${refusal.field})`}</span>}
      {hint && <span class="hint">{` ${hint}`}</span>}
    </p>
  );
}
