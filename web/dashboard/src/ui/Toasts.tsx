import { store, type Toast } from "../store";

export function Toasts({ toasts }: { toasts: Toast[] }) {
  return (
    <section aria-label="Notifications" class="toasts">
      {toasts.map((toast) => (
        <div key={toast.id} class={`toast ${toast.kind}`}>
          <span role={toast.kind === "error" ? "alert" : "status"}>{toast.text}</span>
          <button type="button" aria-label="Dismiss" onClick={() => store.dismiss(toast.id)}>
            ×
          </button>
        </div>
      ))}
    </section>
  );
}
