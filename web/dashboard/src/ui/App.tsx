import { useStore } from "./useStore";
import { SignIn } from "./SignIn";
import { Header } from "./Header";
import { Schedule } from "./Schedule";
import { Detail } from "./Detail";
import { Toasts } from "./Toasts";
import { UndoStatus } from "./UndoStatus";
import { WorkingHours } from "./WorkingHours";

export function App() {
  const state = useStore();
  if (!state.me) {
    return (
      <>
        <SignIn message={state.signedOutMessage} />
        <Toasts toasts={state.toasts} />
      </>
    );
  }
  return (
    <>
      <Header me={state.me} connection={state.connection} />
      {state.undo && <UndoStatus undo={state.undo} busy={state.inFlight.has(state.undo.booking.id)} />}
      <main class={state.openId ? "layout with-detail" : "layout"}>
        <Schedule state={state} />
        {state.openId && <Detail state={state} />}
        <WorkingHours state={state} />
      </main>
      <Toasts toasts={state.toasts} />
    </>
  );
}
