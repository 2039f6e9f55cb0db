import type { ColumnType, Generated, Kysely } from 'kysely';

// The row types of every table, in one place because Kysely types a database
// as one interface. Each section names the module that owns those tables; only
// that module's store.ts queries them (STYLE: a module never reads another's
// tables). Times are UTC epoch milliseconds; JSON columns are text; booleans
// are 0/1 integers — one migration history runs on SQLite and PostgreSQL.

// ── kernel ──────────────────────────────────────────────────────────────────
export interface ClockStateRow {
  id: string;
  now: number;
}

export interface EventRow {
  id: string;
  workspace_id: string;
  connector_id: string;
  type: string;
  /** The platform's event id when it gives one, else derived from the content (see kernel/events). */
  dedupe_key: string;
  occurred_at: number;
  received_at: number;
  /** callback | poll | reconcile | sim | api */
  source: string;
  payload: string;
  /** pending | handled | failed */
  state: string;
  attempts: number;
  error: string | null;
  handled_at: number | null;
}

export interface ActionRow {
  id: string;
  workspace_id: string;
  /** Derived from the cause (`sop:<run>:<step>:<group>`, `api:<key>`); unique per workspace. */
  idempotency_key: string;
  connector_id: string;
  account_id: string | null;
  /** send | kick | mute | unmute | announce | rename | recall */
  kind: string;
  /** The platform chat for group actions; null for a private message. */
  chat_id: string | null;
  /** The platform person: the receiver of a private message, the target of kick/mute. */
  person_external_id: string | null;
  group_id: string | null;
  person_id: string | null;
  /** The normalised message for send, { until } for mute, { text } for announce/rename, { messageId } for recall. */
  body: string;
  /** moderation | welcome | sop | api | broadcast; lower priority number goes first. */
  lane: string;
  priority: number;
  /** pending | sending | sent | failed | unknown */
  state: string;
  attempts: number;
  not_before: number;
  created_at: number;
  claimed_at: number | null;
  sent_at: number | null;
  platform_ref: string | null;
  error: string | null;
  cause: string;
  task_id: string | null;
}

export interface JobRow {
  id: string;
  workspace_id: string;
  name: string;
  payload: string;
  run_at: number;
  /** pending | running | done | failed | skipped */
  state: string;
  attempts: number;
  max_attempts: number;
  /** Unique per workspace; a second schedule with the same key is ignored. */
  dedupe_key: string;
  last_error: string | null;
  created_at: number;
  finished_at: number | null;
}

// ── workspace ───────────────────────────────────────────────────────────────
export interface WorkspaceRow {
  id: string;
  slug: string;
  name: string;
  time_zone: string;
  /** "HH:MM" in the workspace's time zone; both null = no quiet hours. */
  quiet_start: string | null;
  quiet_end: string | null;
  /** Message text older than this is erased by the daily retention job; 0 = keep forever. */
  message_retention_days: number;
  created_at: number;
}

export interface UserRow {
  id: string;
  workspace_id: string;
  login: string;
  name: string;
  role: string;
  password_hash: string | null;
  created_at: number;
  disabled: number;
}

export interface ApiTokenRow {
  id: string;
  workspace_id: string;
  name: string;
  role: string;
  /** sha256 of the token: tokens are long random strings, so a fast hash is enough. */
  token_hash: string;
  created_at: number;
  created_by: string | null;
  last_used_at: number | null;
  revoked_at: number | null;
}

export interface AuditRow {
  id: string;
  workspace_id: string;
  at: number;
  actor: string;
  action: string;
  target: string | null;
  detail: string;
}

// ── platforms (connectors and sending accounts) ─────────────────────────────
export interface ConnectorRow {
  id: string;
  workspace_id: string;
  /** simulator | relay | wecom | telegram | wechaty */
  platform: string;
  name: string;
  /** Simulator profile (full | wecom | telegram | wechat); null for real platforms. */
  profile: string | null;
  /** Sealed JSON (AES-256-GCM under the secret key). */
  config: string;
  /** active | disabled */
  state: string;
  created_at: number;
}

export interface AccountRow {
  id: string;
  workspace_id: string;
  connector_id: string;
  external_id: string;
  name: string;
  /** staff (a person's WeChat/WeCom account) | bot */
  kind: string;
  is_default: number;
  created_at: number;
}

// ── members ─────────────────────────────────────────────────────────────────
export interface PersonRow {
  id: string;
  workspace_id: string;
  display_name: string | null;
  created_at: number;
  /** Set by the delete-person path; personal data is gone, the id stays for counts. */
  deleted_at: number | null;
}

export interface IdentityRow {
  id: string;
  workspace_id: string;
  person_id: string;
  connector_id: string;
  external_id: string;
  name: string | null;
  /** A cross-connector key (WeChat unionid; the simulator's person id) that links identities to one person. */
  link_key: string | null;
  created_at: number;
}

// ── groups ──────────────────────────────────────────────────────────────────
export interface GroupRow {
  id: string;
  workspace_id: string;
  connector_id: string;
  chat_id: string;
  name: string;
  /** traffic | new_user | camp | delivery | vip | local | other (DOMAIN §3) */
  type: string;
  tags: string;
  owner_person_id: string | null;
  /** active | dismissed */
  state: string;
  created_at: number;
  dismissed_at: number | null;
}

export interface MembershipRow {
  id: string;
  workspace_id: string;
  group_id: string;
  person_id: string;
  role: string;
  joined_at: number;
  left_at: number | null;
  /** invite | link | qr | live_code | unknown */
  via: string;
  inviter_person_id: string | null;
  /** quit | removed */
  left_reason: string | null;
  source: string;
  /** 1 when the platform said so; less when inferred (a reconcile diff, a join without its event). */
  confidence: number;
  join_event_id: string | null;
  leave_event_id: string | null;
}

export interface MessageRow {
  id: string;
  workspace_id: string;
  connector_id: string;
  group_id: string | null;
  person_id: string;
  account_id: string | null;
  external_id: string;
  body: string;
  text: string | null;
  at: number;
  redacted_at: number | null;
}

// ── tasks ───────────────────────────────────────────────────────────────────
export interface TaskRow {
  id: string;
  workspace_id: string;
  cause_key: string;
  title: string;
  detail: string | null;
  evidence: string;
  due_at: number | null;
  /** owner | admin | operator | assistant */
  assignee_role: string;
  assignee_user_id: string | null;
  /** open | done | dismissed */
  state: string;
  source: string;
  group_id: string | null;
  person_id: string | null;
  action_id: string | null;
  created_at: number;
  updated_at: number;
  done_at: number | null;
  done_by: string | null;
}

// ── simulator (the platform side of the built-in world) ────────────────────
export interface SimChatRow {
  chat_id: string;
  workspace_id: string;
  connector_id: string;
  name: string;
  dismissed: number;
  created_at: number;
}

export interface SimMemberRow {
  chat_id: string;
  person_ext_id: string;
  workspace_id: string;
  name: string;
  role: string;
  present: number;
  muted_until: number | null;
}

export interface SimTranscriptRow {
  seq: Generated<number>;
  workspace_id: string;
  connector_id: string;
  chat_id: string | null;
  dm_person_ext_id: string | null;
  kind: string;
  account_id: string | null;
  body: string;
  action_id: string;
  at: number;
}

export interface Database {
  clock_state: ClockStateRow;
  events: EventRow;
  actions: ActionRow;
  jobs: JobRow;
  workspaces: WorkspaceRow;
  users: UserRow;
  api_tokens: ApiTokenRow;
  audit_log: AuditRow;
  connectors: ConnectorRow;
  accounts: AccountRow;
  people: PersonRow;
  identities: IdentityRow;
  groups: GroupRow;
  memberships: MembershipRow;
  messages: MessageRow;
  tasks: TaskRow;
  sim_chats: SimChatRow;
  sim_members: SimMemberRow;
  sim_transcript: SimTranscriptRow;
  guard_revisions: GuardRevisionRow;
  guard_rules: GuardRuleRow;
  guard_hits: GuardHitRow;
  guard_word_lists: GuardWordListRow;
  guard_policies: GuardPolicyRow;
  guard_exemptions: GuardExemptionRow;
  guard_violations: GuardViolationRow;
  guard_reply_cooldowns: GuardReplyCooldownRow;
  guard_members: GuardMemberRow;
  guard_activity: GuardActivityRow;
  blacklist: BlacklistRow;
  sessions: SessionRow;
  login_failures: LoginFailureRow;
  user_logins: UserLoginRow;
  staff_invites: StaffInviteRow;
  live_items: LiveItemRow;
  demo_worlds: DemoWorldRow;
  demo_people: DemoPersonRow;
  workers: WorkerRow;
}

/** A database handle or a transaction: stores take either. */
export type Db = Kysely<Database>;

// --- guard ---
export interface GuardRevisionRow {
  workspace_id: string;
  revision: number;
}

export interface GuardRuleRow {
  id: string;
  workspace_id: string;
  kind: string;
  name: string;
  enabled: number;
  priority: number;
  scope: string;
  config: string;
  created_at: number;
  updated_at: number;
}

export interface GuardWordListRow {
  id: string;
  workspace_id: string;
  name: string;
  category: string;
  enabled: number;
  words: string;
  word_count: number;
  created_at: number;
  updated_at: number;
}

export interface GuardHitRow {
  workspace_id: string;
  target_id: string;
  hits: number;
  last_hit_at: number;
}

export interface GuardPolicyRow {
  workspace_id: string;
  group_type: string;
  steps: string;
  decay_days: number;
  updated_at: number;
}

export interface GuardExemptionRow {
  workspace_id: string;
  person_id: string;
  note: string | null;
  created_at: number;
}

export interface GuardViolationRow {
  id: string;
  workspace_id: string;
  person_id: string;
  group_id: string | null;
  event_id: string;
  source: string;
  rule_id: string | null;
  category: string;
  evidence: string;
  offence_no: number;
  actions: string;
  at: number;
  pardoned_at: number | null;
  pardoned_by: string | null;
}

export interface GuardReplyCooldownRow {
  workspace_id: string;
  rule_id: string;
  group_id: string;
  last_at: number;
}

export interface GuardMemberRow {
  workspace_id: string;
  group_id: string;
  person_id: string;
  external_id: string;
  name: string | null;
  role: string;
  first_joined_at: number;
  joined_at: number;
  join_order: string;
  welcome_rule_id: string | null;
  welcome_due_at: number | null;
}

export interface GuardActivityRow {
  workspace_id: string;
  person_id: string;
  group_id: string;
  digest: string;
  at: number;
}

export interface BlacklistRow {
  workspace_id: string;
  person_id: string;
  reason: string;
  source: string;
  created_at: number;
  created_by: string;
  removed_at: number | null;
  removed_by: string | null;
}

// --- console (workspace: sessions, login throttling, invites; live; demo) ---
export interface SessionRow {
  id_hash: string;
  workspace_id: string;
  user_id: string;
  csrf_token: string;
  created_at: number;
  expires_at: number;
  last_seen_at: number;
  ip: string | null;
  user_agent: string | null;
}

export interface LoginFailureRow {
  id: string;
  scope: string;
  at: number;
}

export interface UserLoginRow {
  user_id: string;
  workspace_id: string;
  last_login_at: number;
}

export interface StaffInviteRow {
  id: string;
  workspace_id: string;
  token_hash: string;
  email: string;
  role: string;
  created_by: string;
  created_at: number;
  expires_at: number;
  accepted_at: number | null;
  accepted_user_id: string | null;
}

export interface LiveItemRow {
  id: string;
  workspace_id: string;
  item_id: string;
  at: number;
  type: string;
  group_id: string | null;
  group_name: string | null;
  person_id: string | null;
  person_name: string | null;
  text: string | null;
  action_kind: string | null;
  action_state: string | null;
}

export interface DemoWorldRow {
  workspace_id: string;
  seed: number;
  persona: string;
  plans: string;
  created_at: number;
}

export interface DemoPersonRow {
  workspace_id: string;
  person_id: string;
  name: string;
  model: string;
  chat_id: string;
  present: number;
}

// --- scale ---
// Columns migration 0004-scale adds to actions and jobs (declaration merging keeps
// the core interfaces untouched); null in embedded mode.
export interface ActionRow {
  /** The worker process that took the action to `sending`. */
  claimed_by: ColumnType<string | null, string | null | undefined, string | null>;
  /** When the action was handed to a BullMQ queue, PostgreSQL wall time in ms. */
  queued_at: ColumnType<number | null, number | null | undefined, number | null>;
}
export interface JobRow {
  /** The worker process that took the job to `running`. */
  claimed_by: ColumnType<string | null, string | null | undefined, string | null>;
  /** When the job was handed to a BullMQ queue, PostgreSQL wall time in ms. */
  queued_at: ColumnType<number | null, number | null | undefined, number | null>;
}

/** A live worker process of scale mode; liveness is its advisory lock, not this row. */
export interface WorkerRow {
  id: string;
  /** api | worker | all */
  role: string;
  host: string;
  pid: number;
  started_at: number;
}
