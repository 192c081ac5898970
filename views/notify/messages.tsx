/**
 * The notifier's messages: each template as a subject, an HTML part in the shop's look and
 * a plain-text part (for email), or a short text (for SMS). Amounts are shown in the
 * order's own currency; links point at the shop's public URL.
 */
import type { ComponentChildren } from "preact";
import { render } from "preact-render-to-string";
import type { Channel, Template } from "../../actors/notification.ts";
import { formatMoney, formatTime } from "../format.ts";

export type Rendered = { subject: string; html: string; text: string };

const SHOP = "Saga Shop";

function Mail({ title, children }: { title: string; children: ComponentChildren }) {
  return (
    <html lang="en">
      <head><meta charset="utf-8" /><title>{title}</title></head>
      <body style="margin:0;background:#f6f7f9;font-family:system-ui,-apple-system,Segoe UI,sans-serif;color:#1f2933">
        <div style="max-width:560px;margin:0 auto;padding:24px">
          <p style="font-weight:700;font-size:18px;margin:0 0 16px">{SHOP}</p>
          <div style="background:#fff;border-radius:8px;padding:24px;line-height:1.5">{children}</div>
          <p style="font-size:12px;color:#6b7280;margin-top:16px">You receive this because you have an account at {SHOP}.</p>
        </div>
      </body>
    </html>
  );
}

const Button = ({ href, children }: { href: string; children: ComponentChildren }) => (
  <p><a href={href} style="display:inline-block;background:#2563eb;color:#fff;padding:10px 18px;border-radius:6px;text-decoration:none">{children}</a></p>
);

type Part = { subject: string; body: ComponentChildren; text: string[] };

function partOf(t: Template, base: string): Part {
  const orderLink = (id: string) => `${base}/orders/${encodeURIComponent(id)}`;
  switch (t.kind) {
    case "welcome":
      return {
        subject: `Welcome to ${SHOP}, ${t.firstName}`,
        body: <><h1>Welcome, {t.firstName}!</h1><p>Your account is ready.</p><Button href={`${base}/`}>Start shopping</Button></>,
        text: [`Welcome, ${t.firstName}!`, "Your account is ready.", `Start shopping: ${base}/`],
      };
    case "verifyEmail": {
      const link = `${base}/verify-email?token=${encodeURIComponent(t.token)}`;
      return {
        subject: "Confirm your email address",
        body: <><h1>Confirm your email</h1><p>Hi {t.firstName}, please confirm this address.</p><Button href={link}>Confirm email</Button>
          <p>The link works once, until {formatTime(t.expiresAt)}.</p></>,
        text: [`Hi ${t.firstName}, please confirm this address:`, link, `The link works once, until ${formatTime(t.expiresAt)}.`],
      };
    }
    case "passwordReset": {
      const link = `${base}/reset-password?token=${encodeURIComponent(t.token)}`;
      return {
        subject: "Reset your password",
        body: <><h1>Reset your password</h1><p>Hi {t.firstName}, someone asked to reset your password.</p><Button href={link}>Choose a new password</Button>
          <p>The link works once, until {formatTime(t.expiresAt)}. If it was not you, ignore this message.</p></>,
        text: [`Hi ${t.firstName}, someone asked to reset your password. Choose a new one:`, link,
          `The link works once, until ${formatTime(t.expiresAt)}. If it was not you, ignore this message.`],
      };
    }
    case "passwordChanged":
      return {
        subject: "Your password was changed",
        body: <><h1>Password changed</h1><p>Hi {t.firstName}, your password was just changed.</p><p>If it was not you, reset it now: <a href={`${base}/forgot-password`}>{base}/forgot-password</a></p></>,
        text: [`Hi ${t.firstName}, your password was just changed.`, `If it was not you, reset it now: ${base}/forgot-password`],
      };
    case "orderConfirmed": {
      const money = (n: number) => formatMoney(n, t.currency);
      return {
        subject: `Order ${t.orderId} received`,
        body: <><h1>Thank you for your order</h1>
          <table style="width:100%;border-collapse:collapse">
            <tbody>{t.items.map((i) => <tr><td>{i.qty} × {i.name}</td><td style="text-align:right">{money(i.qty * i.unitPrice)}</td></tr>)}</tbody>
            <tfoot><tr><th style="text-align:left">Total</th><th style="text-align:right">{money(t.total)}</th></tr></tfoot>
          </table><Button href={orderLink(t.orderId)}>Follow your order</Button></>,
        text: ["Thank you for your order.", ...t.items.map((i) => `${i.qty} x ${i.name}  ${money(i.qty * i.unitPrice)}`),
          `Total: ${money(t.total)}`, `Follow your order: ${orderLink(t.orderId)}`],
      };
    }
    case "paymentReceipt":
      return {
        subject: `Receipt for order ${t.orderId}`,
        body: <><h1>Payment received</h1><p>We charged <strong>{formatMoney(t.amount, t.currency)}</strong> to your card for order {t.orderId}.</p>
          <p>Payment reference: {t.paymentId}</p><Button href={orderLink(t.orderId)}>View your order</Button></>,
        text: [`We charged ${formatMoney(t.amount, t.currency)} to your card for order ${t.orderId}.`, `Payment reference: ${t.paymentId}`,
          `View your order: ${orderLink(t.orderId)}`],
      };
    case "paymentDeclined": {
      const until = t.reservedUntil ? ` Your items are held for you until ${formatTime(t.reservedUntil)}.` : "";
      const say = `Your card was declined for order ${t.orderId} (${formatMoney(t.total, t.currency)}). No money was taken.${until}`;
      return {
        subject: `Payment declined for order ${t.orderId}`,
        body: <><h1>Payment declined</h1><p>{say}</p><p>You can pay with another card on the order page.</p>
          <Button href={orderLink(t.orderId)}>Pay with another card</Button></>,
        text: [say, `Pay with another card: ${orderLink(t.orderId)}`],
      };
    }
    case "closedUnpaid": {
      const say = `No card paid for order ${t.orderId} (${formatMoney(t.total, t.currency)}) before its items had to go back on sale, so we closed it. No money was taken.`;
      return {
        subject: `Order ${t.orderId} was closed unpaid`,
        body: <><h1>Order closed</h1><p>{say}</p><p>The products may still be in stock: you are welcome to order them again.</p>
          <Button href={orderLink(t.orderId)}>View your order</Button></>,
        text: [say, "The products may still be in stock: you are welcome to order them again.", `View your order: ${orderLink(t.orderId)}`],
      };
    }
    case "shipped":
      return {
        subject: `Order ${t.orderId} has shipped`,
        body: <><h1>On its way</h1><p>Your order {t.orderId} left our warehouse with {t.carrier}.</p><p>Tracking number: <strong>{t.trackingNumber}</strong></p>
          <Button href={orderLink(t.orderId)}>Follow your order</Button></>,
        text: [`Your order ${t.orderId} left our warehouse with ${t.carrier}.`, `Tracking number: ${t.trackingNumber}`, `Follow your order: ${orderLink(t.orderId)}`],
      };
    case "delivered":
      return {
        subject: `Order ${t.orderId} was delivered`,
        body: <><h1>Delivered</h1><p>Your order {t.orderId} was delivered. Enjoy!</p><Button href={orderLink(t.orderId)}>View your order</Button></>,
        text: [`Your order ${t.orderId} was delivered. Enjoy!`, `View your order: ${orderLink(t.orderId)}`],
      };
    case "cancelled": {
      // as the order page says it: a refund goes back to the card it was paid with
      const money = t.refund ? `The ${formatMoney(t.total, t.currency)} you paid is being refunded to your card; we will write again when it is on its way.`
        : "Your card was not charged; any hold on it is released.";
      return {
        subject: `Order ${t.orderId} was cancelled`,
        body: <><h1>Order cancelled</h1><p>Your order {t.orderId} was cancelled: {t.reason}.</p><p>{money}</p><Button href={orderLink(t.orderId)}>View your order</Button></>,
        text: [`Your order ${t.orderId} was cancelled: ${t.reason}.`, money, `View your order: ${orderLink(t.orderId)}`],
      };
    }
    case "refunded":
      return {
        subject: `Refund for order ${t.orderId}`,
        body: <><h1>Refund sent</h1><p>We refunded <strong>{formatMoney(t.amount, t.currency)}</strong> to your card for order {t.orderId}.</p>
          <p>Your bank usually shows it within 5 to 10 business days.</p><Button href={orderLink(t.orderId)}>View your order</Button></>,
        text: [`We refunded ${formatMoney(t.amount, t.currency)} to your card for order ${t.orderId}.`,
          "Your bank usually shows it within 5 to 10 business days.", `View your order: ${orderLink(t.orderId)}`],
      };
    case "lowStock":
      return {
        subject: `Low stock: ${t.name} (${t.sku})`,
        body: <><h1>Low stock</h1><p>{t.name} ({t.sku}) is down to <strong>{t.available}</strong> available (threshold {t.threshold}).</p>
          <Button href={`${base}/admin/alerts`}>Open the alerts</Button></>,
        text: [`${t.name} (${t.sku}) is down to ${t.available} available (threshold ${t.threshold}).`, `Alerts: ${base}/admin/alerts`],
      };
  }
}

/** Renders a message for `channel`; `base` is the shop's public URL without a trailing slash. */
export function renderMessage(t: Template, channel: Channel, base: string): Rendered {
  const p = partOf(t, base.replace(/\/+$/, ""));
  if (channel === "sms") {
    const text = `${SHOP}: ${p.text.join(" ")}`;
    return { subject: p.subject, html: "", text };
  }
  return { subject: p.subject, html: `<!doctype html>${render(<Mail title={p.subject}>{p.body}</Mail>)}`, text: p.text.join("\n\n") + "\n" };
}
