import { z } from 'zod';

// One message format for every platform. Adapters encode it to what their
// platform speaks and decode incoming traffic into it; a platform without a
// content kind declares so in its capabilities.

const Mentions = {
  /** Platform person ids (external ids) to @-mention. */
  mentions: z.array(z.string().min(1).max(128)).max(100).optional(),
  /** @all / @所有人. */
  mentionAll: z.boolean().optional(),
  /** The platform id of the message this one answers (quote / reply). */
  replyTo: z.string().min(1).max(256).optional(),
};

const url = z.string().url().max(2048);

export const MessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('text'), text: z.string().min(1).max(4096), ...Mentions }).strict(),
  z
    .object({
      type: z.literal('image'),
      url,
      /** Set when the platform (or an upstream scanner) marks the picture as a QR code. */
      isQrCode: z.boolean().optional(),
      ...Mentions,
    })
    .strict(),
  z
    .object({
      type: z.literal('link'),
      url,
      title: z.string().min(1).max(256),
      description: z.string().max(1024).optional(),
      imageUrl: url.optional(),
      ...Mentions,
    })
    .strict(),
  z
    .object({
      type: z.literal('miniprogram'),
      appId: z.string().min(1).max(128),
      title: z.string().min(1).max(256),
      pagePath: z.string().min(1).max(1024),
      imageUrl: url.optional(),
      ...Mentions,
    })
    .strict(),
  z
    .object({
      type: z.literal('file'),
      url,
      name: z.string().min(1).max(256),
      size: z.number().int().nonnegative().optional(),
      ...Mentions,
    })
    .strict(),
]);

export type Message = z.infer<typeof MessageSchema>;
export type MessageType = Message['type'];

/** The searchable text of a message (for keyword rules, digests and retention). */
export function messageText(message: Message): string {
  switch (message.type) {
    case 'text':
      return message.text;
    case 'link':
      return [message.title, message.description ?? '', message.url].join(' ').trim();
    case 'miniprogram':
      return message.title;
    case 'file':
      return message.name;
    case 'image':
      return '';
  }
}
