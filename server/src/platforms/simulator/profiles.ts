import type { Capabilities } from '../platform.js';
import type { SimProfile } from '../connectors/schema.js';

// The simulator behaves like the platform its profile names, so features are
// tested against each platform's real limits before a real connector exists.
// Every profile can list what it sent (the transcript is the platform's own
// record), so a send caught mid-flight is reconciled, never guessed.

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const DAY = 24 * 60 * MINUTE;
const ALL_TYPES = ['text', 'image', 'link', 'miniprogram', 'file'] as const;

export const SIM_PROFILES: Record<SimProfile, Capabilities> = {
  /** Everything a platform could offer: the reference for the ideal behaviour. */
  full: {
    send: { types: ALL_TYPES, mentions: true, mentionAll: true, replyTo: true, direct: true },
    kick: true,
    mute: { maxMs: 366 * DAY },
    announce: true,
    rename: true,
    recall: { windowMs: 2 * MINUTE },
    createInviteLink: true,
    readGroupMessages: true,
    groupSizeCap: 500,
    welcomeDeadlineMs: null,
    limits: { perChat: { count: 20, perMs: SECOND }, perAccount: { count: 100, perMs: SECOND }, massSendsPerRecipientPerMonth: null },
    idempotentSends: false,
    listSent: true,
  },
  /**
   * WeCom customer groups (企业微信客户群): no kick, mute or announcement through
   * the API (https://developer.work.weixin.qq.com/document/path/92122), welcome
   * within 20 s of the join (https://developer.work.weixin.qq.com/document/path/92137),
   * 200 members by default. Group messages are readable only with the paid
   * message archive (会话存档); the profile models a workspace that has it.
   */
  wecom: {
    send: { types: ALL_TYPES, mentions: false, mentionAll: false, replyTo: false, direct: true },
    kick: false,
    mute: null,
    announce: false,
    rename: false,
    recall: null,
    createInviteLink: true,
    readGroupMessages: true,
    groupSizeCap: 200,
    welcomeDeadlineMs: 20 * SECOND,
    limits: { perChat: { count: 20, perMs: MINUTE }, perAccount: { count: 10_000, perMs: MINUTE }, massSendsPerRecipientPerMonth: 4 },
    idempotentSends: false,
    listSent: true,
  },
  /**
   * Telegram Bot API: restrictChatMember, banChatMember, pins, named invite
   * links; ~30 msg/s overall, 20 msg/min per group (https://core.telegram.org/bots/faq).
   */
  telegram: {
    send: { types: ['text', 'image', 'link', 'file'], mentions: true, mentionAll: false, replyTo: true, direct: true },
    kick: true,
    mute: { maxMs: 366 * DAY },
    announce: true,
    rename: true,
    recall: { windowMs: 48 * 60 * MINUTE },
    createInviteLink: true,
    readGroupMessages: true,
    groupSizeCap: 200_000,
    welcomeDeadlineMs: null,
    limits: { perChat: { count: 20, perMs: MINUTE }, perAccount: { count: 30, perMs: SECOND }, massSendsPerRecipientPerMonth: null },
    idempotentSends: false,
    listSent: true,
  },
  /**
   * WeChat groups through a personal account (Wechaty): kick (room.del),
   * announcements and topic by the owner, recall within 2 minutes, no mute;
   * a personal account sends slowly to stay clear of risk control.
   */
  wechat: {
    send: { types: ALL_TYPES, mentions: true, mentionAll: true, replyTo: true, direct: true },
    kick: true,
    mute: null,
    announce: true,
    rename: true,
    recall: { windowMs: 2 * MINUTE },
    createInviteLink: false,
    readGroupMessages: true,
    groupSizeCap: 500,
    welcomeDeadlineMs: null,
    limits: { perChat: { count: 1, perMs: SECOND }, perAccount: { count: 20, perMs: MINUTE }, massSendsPerRecipientPerMonth: null },
    idempotentSends: false,
    listSent: true,
  },
};
