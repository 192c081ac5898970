import { describe, expect, test } from "bun:test";
import { configFromEnv, defaults } from "./config.ts";

describe("the email settings", () => {
  test("unset: the in-database mailbox, from the default sender", () => {
    const c = configFromEnv({});
    expect([c.smtpUrl, c.mailFrom]).toEqual([undefined, defaults.mailFrom]);
  });

  test("SMTP_URL takes smtp:// and smtps://, credentials included; anything else is refused", () => {
    expect(configFromEnv({ SMTP_URL: "smtp://mailpit:1025" }).smtpUrl).toBe("smtp://mailpit:1025");
    expect(configFromEnv({ SMTP_URL: "smtps://user:secret@mail.example.com:465" }).smtpUrl).toBe("smtps://user:secret@mail.example.com:465");
    for (const bad of ["mailpit:1025", "http://mailpit:1025", "smtp://"]) {
      expect(() => configFromEnv({ SMTP_URL: bad })).toThrow("SMTP_URL is not an smtp:// or smtps:// URL");
    }
  });

  test("MAIL_FROM takes an address or Name <address>", () => {
    expect(configFromEnv({ MAIL_FROM: "Saga Shop <orders@shop.example.com>" }).mailFrom).toBe("Saga Shop <orders@shop.example.com>");
    expect(configFromEnv({ MAIL_FROM: "orders@shop.example.com" }).mailFrom).toBe("orders@shop.example.com");
    for (const bad of ["Saga Shop", "a <b>", "x@y\r\nBcc: z@w"]) expect(() => configFromEnv({ MAIL_FROM: bad })).toThrow("MAIL_FROM");
  });
});
