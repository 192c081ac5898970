/**
 * The dead letters: messages a consumer failed on every try, parked for an admin. The list
 * region is live (the SSE stream sends it again, wrapped in <hx-partial>, whenever a letter
 * is parked, replayed or discarded); each letter's page shows its headers and payload and
 * offers replay and discard with a reason.
 */
import type { ComponentChildren } from "preact";
import { stateOf, typeOf, type DeadLetterState } from "../../actors/ops/dead-letter-rules.ts";
import type { DeadLetter } from "../../actors/ops/dead-letters.ts";
import { formatTime } from "../format.ts";
import type { Shell } from "../layout.tsx";
import { AdminLayout } from "./admin-layout.tsx";
import { Choice } from "./choice.tsx";

export const LIST_REGION = "dead-letter-list";

export type LetterFilter = { state?: DeadLetterState; consumer?: string; topic?: string; key?: string };
export type BulkNotice = { action: "replay" | "discard"; done: number; refused: number };

type ListProps = {
  letters: DeadLetter[];
  /** the next (older) page's address, or null on the last page */
  older: string | null;
  newest: string | null;
};

type PageProps = ListProps & {
  shell: Shell;
  filter: LetterFilter;
  choices: { consumers: string[]; topics: string[] };
  streamUrl: string;
  notice?: BulkNotice;
};

const STATE_TONE: Record<DeadLetterState, string> = { waiting: "problem", replayed: "success", discarded: "neutral" };

export function DeadLettersPage({ shell, filter, choices, streamUrl, notice, ...list }: PageProps) {
  return (
    <AdminLayout title="Dead letters" shell={shell} section="/admin/dead-letters">
      <section class="card" aria-labelledby="dl-title" {...{ "hx-sse:connect": streamUrl, "hx-swap": "none" }}>
        <h1 id="dl-title">Dead letters</h1>
        <p class="muted">
          A message lands here when its consumer failed it on every try. <strong>Replay</strong> sends it back to that
          consumer; <strong>discard</strong> settles it without delivering it. The list follows new letters live.
        </p>
        {notice && <BulkResult notice={notice} />}
        <LetterFilterForm filter={filter} choices={choices} />
        <LetterList {...list} />
        {filter.state !== "replayed" && filter.state !== "discarded" && <BulkForm filter={filter} />}
      </section>
    </AdminLayout>
  );
}

function BulkResult({ notice }: { notice: BulkNotice }) {
  const verb = notice.action === "replay" ? "replayed" : "discarded";
  return (
    <p class="notice" role="status">
      {notice.done} {notice.done === 1 ? "letter" : "letters"} {verb}
      {notice.refused > 0 && `, ${notice.refused} refused (already settled, or the message breaks its contract: see the audit log)`}.
    </p>
  );
}

function LetterFilterForm({ filter, choices }: Pick<PageProps, "filter" | "choices">) {
  return (
    <form method="get" action="/admin/dead-letters" class="filters" role="search" aria-label="Filter the dead letters">
      <label>
        State
        <select name="state">
          <option value="all" selected={filter.state === undefined}>Any</option>
          {(["waiting", "replayed", "discarded"] as const).map((s) => <option value={s} selected={s === filter.state}>{s}</option>)}
        </select>
      </label>
      <Choice label="Consumer" name="consumer" selected={filter.consumer} options={choices.consumers.map((c) => [c, c])} />
      <Choice label="Topic" name="topic" selected={filter.topic} options={choices.topics.map((t) => [t, t])} />
      <label>
        Key starts with
        <input name="key" value={filter.key ?? ""} maxLength={200} />
      </label>
      <button type="submit">Filter</button>
      <a href="/admin/dead-letters">Clear</a>
    </form>
  );
}

/** What the stream sends: the list region, swapped in place. */
export function LetterListUpdate(props: ListProps) {
  return (
    <hx-partial hx-target={`#${LIST_REGION}`} hx-swap="outerMorph">
      <LetterList {...props} />
    </hx-partial>
  );
}

/** The live region: the table and its pager, as the page and the stream render it. */
export function LetterList({ letters, older, newest }: ListProps) {
  return (
    <div id={LIST_REGION}>
      {letters.length === 0 ? <p>No dead letters match.</p> : (
        <div class="table-scroll">
          <table class="admin-table">
            <thead>
              <tr>
                <th scope="col">#</th><th scope="col">Parked (UTC)</th><th scope="col">Consumer</th><th scope="col">Message</th>
                <th scope="col">Error</th><th scope="col">Tries</th><th scope="col">State</th>
              </tr>
            </thead>
            <tbody>{letters.map((l) => <LetterRow letter={l} />)}</tbody>
          </table>
        </div>
      )}
      <nav aria-label="Pages" class="pager">
        {newest && <a href={newest}>Newest</a>}
        {older && <a href={older}>Older letters</a>}
      </nav>
    </div>
  );
}

function LetterRow({ letter: l }: { letter: DeadLetter }) {
  const state = stateOf(l);
  return (
    <tr>
      <td><a href={`/admin/dead-letters/${l.id}`}>{l.id}<span class="visually-hidden">: review this letter</span></a></td>
      <td><Time at={l.at} /></td>
      <td>{l.consumer}</td>
      <td>
        <code>{typeOf(l) ?? "unreadable"}</code>
        <span class="muted detail">{l.topic} #{l.partition} @{l.offset} · key <span class="order-id">{l.key ?? "none"}</span></span>
      </td>
      <td class="reason">{clip(l.error, 160)}</td>
      <td>{l.attempts}</td>
      <td><span class={`badge badge-${STATE_TONE[state]}`}>{state}</span></td>
    </tr>
  );
}

/** Replay or discard every waiting letter the filter selects, with one reason. */
function BulkForm({ filter }: { filter: LetterFilter }) {
  const hidden = { consumer: filter.consumer, topic: filter.topic, key: filter.key };
  return (
    <section class="settle" aria-labelledby="bulk-title">
      <h2 id="bulk-title">Every waiting letter this filter selects</h2>
      <p class="muted">Consumer, topic and key as filtered above; up to 500 at a time, each written to the audit log.</p>
      <SettleForms base="/admin/dead-letters" suffix="-selected" hidden={hidden} what="them" />
    </section>
  );
}

/**
 * Replay and discard, each its own form with the reason the audit log keeps. Discarding
 * asks for a tick that says what it means, so it works the same without JavaScript.
 */
function SettleForms({ base, suffix, hidden, what }: { base: string; suffix: string; hidden: Record<string, string | undefined>; what: string }) {
  const fields = Object.entries(hidden).filter((kv): kv is [string, string] => kv[1] !== undefined)
    .map(([name, value]) => <input type="hidden" name={name} value={value} />);
  return (
    <div class="settle-forms">
      <form method="post" action={`${base}/replay${suffix}`}>
        {fields}
        <ReasonField id={`replay-reason${suffix}`} />
        <button type="submit">Replay {what}</button>
      </form>
      <form method="post" action={`${base}/discard${suffix}`}>
        {fields}
        <ReasonField id={`discard-reason${suffix}`} />
        <label class="confirm">
          <input type="checkbox" name="confirm" value="yes" required /> I understand: discarded letters are never delivered again
        </label>
        <button type="submit" class="danger">Discard {what}</button>
      </form>
    </div>
  );
}

function ReasonField({ id }: { id: string }) {
  return (
    <label for={id} class="reason-field">
      Reason (for the audit log)
      <input id={id} name="reason" required maxLength={500} />
    </label>
  );
}

/** One letter: where it came from, why it failed, its headers and payload, and what can be done. */
export function DeadLetterPage({ shell, letter, done }: { shell: Shell; letter: DeadLetter; done?: "replay" | "discard" }) {
  const state = stateOf(letter);
  const { headers, payload } = partsOf(letter.message);
  return (
    <AdminLayout title={`Dead letter ${letter.id}`} shell={shell} section="/admin/dead-letters">
      <p><a href="/admin/dead-letters">← All dead letters</a></p>
      <section class="card" aria-labelledby="letter-title">
        <h1 id="letter-title">Dead letter {letter.id} <span class={`badge badge-${STATE_TONE[state]}`}>{state}</span></h1>
        {done && <p class="notice" role="status">{done === "replay" ? "Replayed: the message went back to its consumer." : "Discarded: it will not be delivered again."}</p>}
        <dl class="facts">
          <Fact name="Consumer">{letter.consumer}</Fact>
          <Fact name="Type"><code>{typeOf(letter) ?? "unreadable"}</code></Fact>
          <Fact name="Topic, partition, offset">{letter.topic} #{letter.partition} @{letter.offset}</Fact>
          <Fact name="Key"><span class="order-id">{letter.key ?? "none"}</span></Fact>
          <Fact name="Tries">{letter.attempts}</Fact>
          <Fact name="First failed">{letter.firstSeenAt ? <Time at={letter.firstSeenAt} /> : "not recorded"}</Fact>
          <Fact name="Parked"><Time at={letter.at} /></Fact>
          {letter.replayedAt && <Fact name="Replayed"><Time at={letter.replayedAt} /></Fact>}
          {letter.discardedAt && <Fact name="Discarded"><Time at={letter.discardedAt} /></Fact>}
        </dl>
        <h2>Error</h2>
        <pre class="code">{letter.error}</pre>
        <details>
          <summary>Headers</summary>
          <pre class="code">{headers}</pre>
        </details>
        <details>
          <summary>Payload</summary>
          <pre class="code">{payload}</pre>
        </details>
        {state === "waiting" && <LetterActions id={letter.id} />}
      </section>
    </AdminLayout>
  );
}

function LetterActions({ id }: { id: number }) {
  return (
    <section class="settle" aria-labelledby="act-title">
      <h2 id="act-title">Settle this letter</h2>
      <SettleForms base={`/admin/dead-letters/${id}`} suffix="" hidden={{}} what="this letter" />
    </section>
  );
}

function Fact({ name, children }: { name: string; children: ComponentChildren }) {
  return <><dt>{name}</dt><dd>{children}</dd></>;
}

const Time = ({ at }: { at: Date }) => <time dateTime={at.toISOString()}>{formatTime(at.toISOString())}</time>;

const clip = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

/** The envelope's fields but the payload, and the payload, pretty; an unreadable message as it is. */
function partsOf(message: string): { headers: string; payload: string } {
  try {
    const parsed: unknown = JSON.parse(message);
    if (typeof parsed === "object" && parsed !== null && !Array.isArray(parsed)) {
      const { payload, ...headers } = parsed as Record<string, unknown>;
      return { headers: JSON.stringify(headers, null, 2), payload: JSON.stringify(payload ?? null, null, 2) };
    }
  } catch {
    // not JSON: shown as parked
  }
  return { headers: "(the message is not a readable envelope)", payload: message };
}
