import { useEffect, useState } from "preact/hooks";
import { store, type State } from "../store";

/** The store's state; the component renders again whenever it changes. */
export function useStore(): State {
  const [, setTick] = useState(0);
  useEffect(() => store.subscribe(() => setTick((tick) => tick + 1)), []);
  return store.state;
}
