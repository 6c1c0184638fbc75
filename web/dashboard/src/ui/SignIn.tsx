import { useEffect, useState } from "preact/hooks";
import { signIn } from "../controller";

interface DemoPerson {
  id: string;
  role: string;
  displayName: string;
  token: string;
}

/** The demo people, when the server runs with --demo (404 otherwise). */
async function demoPeople(): Promise<DemoPerson[]> {
  try {
    const response = await fetch("/dashboard/demo-people.json", { cache: "no-store" });
    return response.ok ? ((await response.json()) as DemoPerson[]) : [];
  } catch {
    return [];
  }
}

export function SignIn({ message }: { message: string | null }) {
  const [token, setToken] = useState("");
  const [refusal, setRefusal] = useState<string | null>(message);
  const [busy, setBusy] = useState(false);
  const [people, setPeople] = useState<DemoPerson[]>([]);
  useEffect(() => void demoPeople().then(setPeople), []);

  async function tryToken(candidate: string) {
    setBusy(true);
    const refused = await signIn(candidate.trim());
    setBusy(false);
    if (refused !== null) setRefusal(refused);
  }

  return (
    <main class="sign-in">
      <h1>Sign in</h1>
      {refusal && (
        <p role="alert" class="alert">
          {refusal}
        </p>
      )}
      <form
        onSubmit={(event) => {
          event.preventDefault();
          if (token.trim()) void tryToken(token);
        }}
      >
        <label for="token">Bearer token</label>
        <input
          id="token"
          type="password"
          autocomplete="off"
          spellcheck={false}
          value={token}
          onInput={(event) => setToken(event.currentTarget.value)}
        />
        <button type="submit" class="primary" disabled={busy || !token.trim()}>
          Sign in
        </button>
      </form>
      {people.length > 0 && (
        <section class="demo">
          <h2 id="demo-title">Demo salon</h2>
          <ul aria-label="Demo people">
            {people.map((person) => (
              <li key={person.id}>
                <button type="button" disabled={busy} onClick={() => void tryToken(person.token)}>
                  {`${person.displayName} (${person.role.toLowerCase()})`}
                </button>
              </li>
            ))}
          </ul>
        </section>
      )}
    </main>
  );
}
