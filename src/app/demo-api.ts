// Registers the service worker that serves the demo API (/demo-api/...) and waits until it
// controls this page: the runtime worker started afterwards sends its fetches through it.
const SCRIPT = "/demo-api-sw.js";

/** Resolves once /demo-api/ is served (or at once where service workers are unavailable). */
export async function startDemoApi(timeoutMs = 4000): Promise<boolean> {
  const sw = navigator.serviceWorker;
  if (!sw) return false;
  if (sw.controller) {
    void sw.register(SCRIPT).catch(() => undefined); // picks up a newer script in the background
    return true;
  }
  const controlled = new Promise<boolean>((resolve) => {
    sw.addEventListener("controllerchange", () => resolve(true), { once: true });
    setTimeout(() => resolve(!!sw.controller), timeoutMs);
  });
  try {
    await sw.register(SCRIPT);
  } catch {
    return false;
  }
  return controlled;
}
