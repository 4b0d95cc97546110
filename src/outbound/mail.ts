/**
 * @module outbound/mail
 * Failure notice emails (4me sends them to `mail_exceptions_to`) through HOOKFLOW_SMTP_URL.
 * A notice that cannot be sent is logged, never retried into a storm: the events it reports are
 * in the outbox and the subscription's `last_error` either way.
 */
import nodemailer from 'nodemailer';
import type { Notice } from './record.js';

export interface Mailer {
  send(to: string[], subject: string, text: string): Promise<void>;
}

export function smtpMailer(url: string, from: string): Mailer {
  const transport = nodemailer.createTransport(url);
  return {
    async send(to, subject, text) {
      await transport.sendMail({ from, to: to.join(', '), subject, text });
    },
  };
}

export function noticeMail(n: Notice): { subject: string; text: string } {
  const d = n.data;
  if (n.type === 'webhook.disabled') {
    return {
      subject: `Hookflow disabled webhook ${n.webhookId}`,
      text: `Webhook ${n.webhookId} (${d.event} → ${n.uri}) was disabled: ${d.reason}.\n\nLast error: ${d.last_error ?? '-'}\n\nDeliveries wait until it is enabled again (PATCH /api/v1/webhooks/${n.webhookId} {"disabled":false} or \`hookflow webhooks enable ${n.webhookId}\`).\n`,
    };
  }
  return {
    subject: `Hookflow webhook ${n.webhookId} is failing`,
    text: `Deliveries to webhook ${n.webhookId} (${d.event} → ${n.uri}) have failed ${d.consecutive_failures} times in a row since ${d.failing_since}.\n\nLast error: ${d.last_error ?? '-'}\n\nThey are retried; the webhook is disabled if the failures last.\n`,
  };
}
