import type { Message } from '../message.js';

// A normalised message → the text and attachments of send_welcome_msg and
// add_msg_template (https://developer.work.weixin.qq.com/document/path/92135#附件).
// Mini-programs and files need a media_id uploaded first; the adapter does not
// declare them, so the core never asks.

export type WecomAttachment =
  | { msgtype: 'image'; image: { pic_url: string } }
  | { msgtype: 'link'; link: { title: string; url: string; picurl?: string; desc?: string } };

export type WecomContent = { text?: { content: string }; attachments?: WecomAttachment[] };

export function encodeMessage(message: Message): WecomContent | null {
  switch (message.type) {
    case 'text':
      return { text: { content: message.text } };
    case 'image':
      return { attachments: [{ msgtype: 'image', image: { pic_url: message.url } }] };
    case 'link':
      return {
        attachments: [
          { msgtype: 'link', link: { title: message.title, url: message.url, ...(message.imageUrl ? { picurl: message.imageUrl } : {}), ...(message.description ? { desc: message.description } : {}) } },
        ],
      };
    case 'miniprogram':
    case 'file':
      return null;
  }
}
