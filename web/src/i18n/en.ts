import type { Messages } from './index';
import { guardEn } from './guard.en';

export const en: Messages = {
  app: { name: 'Qunyun', tagline: 'Community operations' },
  common: {
    loading: 'Loading…', empty: 'Nothing here yet', cancel: 'Cancel', save: 'Save', confirm: 'OK', close: 'Close', refresh: 'Refresh',
    yes: 'Yes', no: 'No', all: 'All', actions: 'Actions', createdAt: 'Created', name: 'Name', role: 'Role', state: 'State', never: 'Never',
    copy: 'Copy', back: 'Back', comingSoon: 'Coming soon', retry: 'Retry',
  },
  roles: { owner: 'Owner', admin: 'Admin', operator: 'Operator', assistant: 'Assistant', viewer: 'Viewer' },
  nav: {
    live: 'Live', groups: 'Groups', tasks: 'Tasks', members: 'People', channels: 'Live codes', guard: 'Guard',
    content: 'Content', sop: 'SOP', broadcasts: 'Broadcasts', engagement: 'Engagement', fission: 'Referrals', journeys: 'Journeys',
    commerce: 'Commerce', analytics: 'Analytics', settings: 'Settings', connectors: 'Connectors', staff: 'Staff', tokens: 'API tokens',
  },
  header: { workspace: 'Workspace', language: 'Language', changePassword: 'Change password', logout: 'Log out', loggedOut: 'Logged out' },
  login: {
    title: 'Log in to Qunyun', workspace: 'Workspace', workspacePlaceholder: 'e.g. demo', email: 'Email', password: 'Password', submit: 'Log in',
    invalid: 'Wrong workspace, email or password', throttled: 'Too many attempts; try again in {{seconds}} s', throttledNoTime: 'Too many attempts; try again later',
    required: 'Required', expired: 'Your session ended; please log in again',
  },
  invite: {
    title: 'Accept the invitation', intro: 'Choose your name and password to join the workspace.', name: 'Name', password: 'Password (8+ characters)', submit: 'Join',
    invalid: 'This invitation is invalid or has expired',
  },
  password: {
    title: 'Change password', current: 'Current password', next: 'New password (8+ characters)', repeat: 'Repeat the new password', mismatch: 'The passwords differ',
    tooShort: 'At least 8 characters', done: 'Password changed; other devices were logged out',
  },
  live: {
    title: 'Live', group: 'Filter by group', allGroups: 'All groups', connected: 'Live', connecting: 'Connecting…', closed: 'Disconnected',
    joins: 'Joins', leaves: 'Leaves', messages: 'Messages', actions: 'Actions', activeGroups: 'Active groups', perMinute: 'Messages per minute',
    waiting: 'Waiting for something to happen in the groups…', joined: 'joined', left: 'left', action: 'Action', someone: 'Someone',
    type: { 'member.joined': 'Join', 'member.left': 'Leave', message: 'Message', action: 'Action' },
  },
  groups: {
    title: 'Groups', type: 'Type', tags: 'Tags', memberCount: 'Members', allTypes: 'All types', dismissed: 'Dismissed', active: 'Active',
    types: { traffic: 'Traffic', new_user: 'New users', camp: 'Camp', delivery: 'Delivery', vip: 'Fans (VIP)', local: 'Local', other: 'Other' },
    notFound: 'Group not found',
  },
  group: {
    members: 'Members', transcript: 'Transcript', tasks: 'Tasks', current: 'Current members', history: 'Join / leave history', person: 'Member', joinedAt: 'Joined',
    leftAt: 'Left', via: 'Via', leftReason: 'Reason', stillIn: 'Still in', at: 'Time', text: 'Message', redacted: '(text erased)',
    created: 'Created', chatId: 'Platform chat id',
  },
  tasks: {
    title: 'Tasks', open: 'Open', done: 'Done', dismissed: 'Dismissed', markDone: 'Done', undo: 'Undo', dismiss: 'Dismiss', source: 'Source',
    task: 'Task', group: 'Group', due: 'Due', markedDone: 'Marked done', reopened: 'Undone: open again', assignee: 'Assignee role',
  },
  connectors: {
    title: 'Connectors', platform: 'Platform', profile: 'Profile', health: 'Health', ok: 'OK', not_running: 'Not running', capabilities: 'Capabilities',
    accounts: 'Sending accounts', kind: 'Kind', default: 'Default', externalId: 'External id', kinds: { staff: 'Staff account', bot: 'Bot' },
    kick: 'Kick', mute: 'Mute', announce: 'Announcement', readGroupMessages: 'Read group messages',
    starting: 'Starting', failing: 'Failing', degrades: 'Degrades on this platform', allAutomatic: 'Everything runs automatically',
    degradesHelp: 'Guard and SOP features this platform cannot carry out: they become staff tasks with the evidence, or do not happen.',
    features: { keywordReply: 'Keyword replies', moderation: 'Banned words / offence ladder', warning: 'Private warning', mute: 'Mute', kick: 'Removal (kick)', recall: 'Recall of the offending message', announce: 'Announcement', rename: 'Rename group', inviteLinks: 'Named invite links' },
    outcomes: { staffTask: 'staff task', unavailable: 'not possible', skipped: 'skipped' },
  },
  staff: {
    title: 'Staff', email: 'Email', disabled: 'Disabled', enabled: 'Enabled', lastLogin: 'Last login', invite: 'Invite staff', inviteSend: 'Create invitation link',
    inviteReady: 'Invitation link (valid until {{time}}); send it to them:', roleChanged: 'Role updated', disabledChanged: 'Updated', account: 'Account',
  },
  tokens: {
    title: 'API tokens', create: 'New token', lastUsed: 'Last used', revoked: 'Revoked', active: 'Active', revoke: 'Revoke', revokeConfirm: 'Revoke this token? Programs using it lose access.',
    created: 'Token created', secretOnce: 'Copy it now: this token is shown only once.', revokedDone: 'Token revoked',
  },
  guard: guardEn,
  errors: { title: 'Something went wrong', page: 'This page failed', notFound: 'No such page', goHome: 'Back to the start' },
};
