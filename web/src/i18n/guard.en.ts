import type { Messages } from './index';

// The guard's console strings, English (typed against the Chinese ones).
export const guardEn: Messages['guard'] = {
  title: 'Guard',
  tabs: { welcome: 'Welcome', replies: 'Keyword replies', words: 'Word lists', behaviour: 'Behaviour rules', policy: 'Escalation', violations: 'Violations', blacklist: 'Blacklist' },
  stats: { rules: 'Rules', hits: 'Hits', violations: 'Violations (30 days)', pardoned: 'Pardoned', blacklisted: 'Blacklisted', lastHit: 'Last hit' },
  rule: {
    create: 'New rule', edit: 'Edit rule', name: 'Name', enabled: 'Enabled', priority: 'Priority', priorityHelp: 'Lower runs first; for keyword replies the first match wins',
    scope: 'Groups', scopeAll: 'All groups', groupTypes: 'Group types', groupTags: 'Group tags', groups: 'Groups', deleteConfirm: 'Delete this rule?', deleted: 'Rule deleted', saved: 'Rule saved',
    delete: 'Delete', config: 'Rule', hits: 'Hits', noHits: 'No hits yet',
  },
  welcome: {
    template: 'Template', templateHelp: 'Variables: {nickname} (the joiners, @-mentioned) {group} (group name) {members} (group size) {count} (joiners in this welcome)',
    window: 'Merge window (s)', windowHelp: 'People joining within the window share one welcome; never longer than the platform allows', maxNames: 'Names listed at most', skipRejoin: 'Not for people re-joining',
    preview: 'Preview', previewNames: 'Sample nicknames (comma separated)', previewRun: 'Preview', previewEmpty: 'Enter sample nicknames and press Preview', defaultTemplate: 'Welcome {nickname} to {group}! Ask us anything about skincare.',
  },
  reply: {
    mode: 'Match', modes: { exact: 'Exact', contains: 'Contains', any: 'Any of', all: 'All of', regex: 'Regex' }, patterns: 'Keywords', patternsHelp: 'Press Enter after each; width, case, Traditional/Simplified and inserted symbols are normalised first',
    answers: 'Answers', answersHelp: 'One per line; one is picked at random', replyIn: 'Reply in', in: { group: 'The group', private: 'Private chat' }, mention: 'Quote and @ the asker', cooldown: 'Cooldown (s)', cooldownHelp: 'One reply per rule per group within the cooldown',
  },
  behaviour: {
    check: 'Check', checks: { link: 'Links', new_member_link: 'Links from new members', miniprogram: 'Mini-program cards', qrcode: 'QR-code images', contact: 'Phone / WeChat ids', mention_all: '@all misuse', flood: 'Flood', spam_wave: 'Same text across groups' },
    count: 'Messages / groups', window: 'Window (s)', newMemberHours: 'New for (hours)', allowHosts: 'Allowed hosts', allowHostsHelp: "The brand's own site etc.; press Enter after each",
  },
  words: {
    create: 'New word list', category: 'Category', categories: { ads: 'Ads', abuse: 'Abuse', porn: 'Porn', politics: 'Politics', fraud: 'Fraud', custom: 'Custom' }, count: 'Words', words: 'Words',
    import: 'Import', importTitle: 'Import words', content: 'Content', contentHelp: 'Text: one word per line, # starts a comment; CSV: the first column, a "word" header is skipped', format: 'Format', formats: { text: 'Text', csv: 'CSV' },
    mode: 'Mode', modes: { append: 'Append', replace: 'Replace' }, imported: 'Imported {{imported}} words; the list has {{count}}', badLines: '{{count}} bad lines; nothing was imported:', line: 'Line {{line}}', deleteConfirm: 'Delete this word list?', deleted: 'Word list deleted', saved: 'Word list saved',
    wordsHelp: 'One word per line', view: 'Show words', file: 'Choose a file',
  },
  try: {
    title: 'Try a message', placeholder: 'Type a message to see what would happen', run: 'Try', group: 'Said in (optional)', anyGroup: 'Any group', nothing: 'This message triggers nothing',
    normalised: 'Normalised', exempt: 'The sender is exempt (staff, group admin or whitelisted)', hits: 'Hits', escalation: 'Penalty: offence no. {{offence}}', cannot: 'The platform cannot: becomes a task',
    reply: 'Auto-reply: rule "{{name}}"', coolingDown: 'Cooling down: no reply this time', replyIn: 'Reply in', word: 'Banned word', behaviourHit: 'Behaviour',
  },
  policy: {
    title: 'Escalation ladder (three strikes)', isDefault: 'The default ladder is in use: 1st offence a private warning, 2nd a public notice and a 24 h mute, 3rd removal and the blacklist.', groupType: 'Group type', allTypes: 'Default (every type)',
    step: 'Offence {{n}}', actions: { warn: 'Private warning', notice: 'Public notice', mute: 'Mute', kick: 'Remove', blacklist: 'Blacklist' }, muteHours: 'Mute for (hours)', decayDays: 'Offences count for (days)',
    recall: 'Recall the message (where the platform can)', warnText: 'Warning text', noticeText: 'Notice text', textHelp: 'Variables: {nickname} {reason} {offence}', addStep: 'Add a step', removeStep: 'Remove', addPolicy: 'Own ladder for a group type', saved: 'Escalation saved',
  },
  violations: {
    person: 'Person', group: 'Group', source: 'Source', sources: { word: 'Banned word', behaviour: 'Behaviour' }, category: 'Category', offence: 'Offence', actions: 'Actions', at: 'Time', evidence: 'Evidence',
    pardon: 'Pardon', pardonConfirm: 'A pardoned offence no longer counts toward the ladder. Pardon?', pardoned: 'Pardoned', pardonedDone: 'Violation pardoned', outcomes: { queued: 'done', task: 'task', done: 'done' }, text: 'Message',
  },
  blacklist: {
    person: 'Person', reason: 'Reason', source: 'Source', at: 'Since', by: 'By', unban: 'Unban', unbanConfirm: 'They will be able to join again. Unban?', unbanned: 'Unbanned', removedAt: 'Unbanned at',
    states: { active: 'Active', removed: 'Unbanned', all: 'All' },
  },
};
