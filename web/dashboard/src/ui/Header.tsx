import { signOut } from "../controller";
import type { Connection } from "../store";
import type { Person } from "../types";

export function Header({ me, connection }: { me: Person; connection: Connection }) {
  return (
    <header class="top">
      <span class="brand">salonbook</span>
      <span class="who">
        {me.displayName} <span class="role">({me.role.toLowerCase()})</span>
      </span>
      <span role="status" aria-label="Connection" class={`connection ${connection === "Live" ? "live" : "down"}`}>
        {connection}
      </span>
      <button type="button" onClick={() => signOut()}>
        Sign out
      </button>
    </header>
  );
}
