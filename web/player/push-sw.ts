/**
 * The player app's service worker (built to /push-sw.js, scope /): shows a notification for
 * every push and opens the game on a click. It does not load Firebase's service worker SDK:
 * that one shows nothing while a page of the site is visible (it hands the push to the page
 * instead), shows its own notification only for pushes with a `notification` block, and
 * handles clicks only through `fcmOptions.link`. Here every push gets exactly one
 * notification, whatever its shape, and the click always has a game to go to.
 */
import { clickTarget, noticeFor, pageToFocus, parsePush } from "./push-notice";

// The project compiles against the DOM library; these are the few service worker types used.
interface ExtendableEvent extends Event {
  waitUntil(work: Promise<unknown>): void;
}
interface PushEvent extends ExtendableEvent {
  readonly data: { text(): string } | null;
}
interface NotificationEvent extends ExtendableEvent {
  readonly notification: Notification;
  readonly action: string;
}
interface WindowClient {
  readonly url: string;
  focus(): Promise<WindowClient>;
}
interface WorkerScope {
  readonly location: Location;
  readonly registration: ServiceWorkerRegistration;
  readonly clients: {
    matchAll(options: { type: "window"; includeUncontrolled: boolean }): Promise<WindowClient[]>;
    openWindow(url: string): Promise<WindowClient | null>;
    claim(): Promise<void>;
  };
  skipWaiting(): Promise<void>;
  addEventListener(type: "push", listener: (event: PushEvent) => void): void;
  addEventListener(type: "notificationclick", listener: (event: NotificationEvent) => void): void;
  addEventListener(type: "install" | "activate", listener: (event: ExtendableEvent) => void): void;
}

const worker = self as unknown as WorkerScope;

// A new version takes over at once: it only shows notifications, nothing to migrate.
worker.addEventListener("install", (event) => event.waitUntil(worker.skipWaiting()));
worker.addEventListener("activate", (event) => event.waitUntil(worker.clients.claim()));

worker.addEventListener("push", (event) => {
  let text: string | null = null;
  try {
    text = event.data?.text() ?? null;
  } catch {
    // An unreadable body is still a push: it gets the generic notification.
  }
  const notice = noticeFor(parsePush(text), worker.location.origin);
  event.waitUntil(worker.registration.showNotification(notice.title, notice.options));
});

worker.addEventListener("notificationclick", (event) => {
  event.notification.close();
  const target = clickTarget(event.notification.data, worker.location.origin);
  event.waitUntil(openGame(target));
});

async function openGame(target: string): Promise<void> {
  const pages = await worker.clients.matchAll({ type: "window", includeUncontrolled: true });
  const index = pageToFocus(
    pages.map((page) => page.url),
    target,
  );
  if (index >= 0) await pages[index].focus();
  else await worker.clients.openWindow(target);
}
