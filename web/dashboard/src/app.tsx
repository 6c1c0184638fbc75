// The dashboard's entry point (built by build.sh into salonbook/web/dashboard/static/).
import { render } from "preact";
import "./style.css";
import { resumeSession } from "./controller";
import { App } from "./ui/App";

const root = document.getElementById("dashboard");
if (root) {
  root.textContent = "";
  render(<App />, root);
  void resumeSession();
}
