/**
 * The notifier's messages live: after a commit that queued messages or changed their status,
 * the admins' /admin/mail list hears it on `subjects.mail`, and the page of what each is
 * about (an order) on `subjects.mailAbout`. Best effort, like all live updates: a page load
 * always reads the database.
 */
import { subjects } from "../contracts/subjects.ts";
import type { PubSub } from "../runtime/pubsub.ts";

/** Announces changed messages by what they are about (their `subject` column). */
export function publishMailChanges(pubsub: PubSub, about: string[]): void {
  if (about.length === 0) return;
  pubsub.publish(subjects.mail, { changed: about.length });
  for (const s of new Set(about)) pubsub.publish(subjects.mailAbout(s), { changed: 1 });
}
