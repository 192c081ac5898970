/**
 * A real SMTP server in the test process (smtp-server) that keeps every mail it accepted,
 * parsed (mailparser), and answers as a test tells it: a reply code for a recipient, or for
 * a mail once its data arrived (with how often that Message-ID came before).
 */
import { simpleParser, type ParsedMail } from "mailparser";
import { SMTPServer } from "smtp-server";
import { waitUntil } from "./kit.ts";

export type Refusal = { code: number; message: string };
export type Rules = {
  /** at RCPT TO: refuse this address, or take it (undefined) */
  rcpt?: (to: string) => Refusal | undefined;
  /**
   * after DATA: refuse this mail, given how many times its Message-ID came before; or "drop":
   * keep it, and close the connection without answering (the answer lost on the way)
   */
  data?: (mail: ParsedMail, before: number) => Refusal | "drop" | undefined;
};

const refusal = (r: Refusal) => Object.assign(new Error(r.message), { responseCode: r.code });

export type Catcher = Awaited<ReturnType<typeof startCatcher>>;

/** Listens on a free port of 127.0.0.1; `url` is what SMTP_URL would say. */
export async function startCatcher(rules: Rules = {}) {
  const received: ParsedMail[] = [];
  const tries = new Map<string, number>();
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    onRcptTo(address, _session, done) {
      const no = rules.rcpt?.(address.address);
      done(no ? refusal(no) : undefined);
    },
    onData(stream, session, done) {
      simpleParser(stream).then((mail) => {
        const id = mail.messageId ?? "";
        const before = tries.get(id) ?? 0;
        tries.set(id, before + 1);
        const no = rules.data?.(mail, before);
        if (no === "drop") {
          received.push(mail);
          for (const c of server.connections) if (c.session.id === session.id) c.close();
          return;
        }
        if (no) return done(refusal(no));
        received.push(mail);
        done();
      }, (err: Error) => done(err));
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const address = server.server.address();
  if (!address || typeof address === "string") throw new Error("the SMTP server has no port");
  return {
    url: `smtp://127.0.0.1:${address.port}`,
    received,
    rules,
    /** how many times a Message-ID arrived, accepted or not */
    triesOf: (messageId: string) => tries.get(messageId) ?? 0,
    /** the first accepted mail to `to` whose subject matches, waiting for it */
    async mailTo(to: string, subject: RegExp, timeoutMs = 15_000): Promise<ParsedMail> {
      const find = () => received.find((m) => addressesOf(m).includes(to) && subject.test(m.subject ?? ""));
      await waitUntil(async () => find() !== undefined, timeoutMs, `a mail to ${to} with subject ${subject}`);
      return find()!;
    },
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The To addresses of a parsed mail. */
export function addressesOf(m: ParsedMail): string[] {
  const to = m.to === undefined ? [] : Array.isArray(m.to) ? m.to : [m.to];
  return to.flatMap((a) => a.value.map((v) => v.address ?? ""));
}

/** The first link in `text` that starts with `base`. */
export function linkIn(text: string, base: string): URL {
  const m = new RegExp(`${base.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")}/\\S+`).exec(text);
  if (!m) throw new Error(`no link to ${base} in: ${text}`);
  return new URL(m[0]);
}
