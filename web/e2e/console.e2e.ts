import { copyFileSync, mkdirSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import Database from 'better-sqlite3';
import type { APIRequestContext, Page } from 'playwright-core';
import {
  ARTIFACTS, CHROMIUM, REPO_ROOT, chromiumAvailable, ensureBuilt, recordFigures, startBrowser, startServer,
  type RunningBrowser, type RunningServer,
} from './harness';

// The console in real headless Chromium against the real server (`qunyun start`
// with the demo world and the accelerated clock): what a newcomer does in the
// first minutes after `npm start`.

const PASSWORD = 'e2e-demo-password-1';
const OWNER = 'owner@demo.local';
const LIVE_WITHIN_MS = 60_000;

type Group = { id: string; chatId: string; name: string; connectorId: string };
type Task = { id: string; state: string; title: string; actionId: string | null };

const available = chromiumAvailable();
if (!available) {
  const banner = '!'.repeat(78);
  process.stderr.write(
    `\n${banner}\n!! ${CHROMIUM} is missing: the browser suite ${process.env.CI ? 'FAILS (CI requires it)' : 'is SKIPPED'}.\n` +
      `!! Install it: apt-get install -y chromium (or set QUNYUN_CHROMIUM to a Chromium binary).\n${banner}\n\n`,
  );
}

if (!available && process.env.CI) {
  describe('the console in Chromium', () => {
    test('Chromium is installed (required in CI)', () => {
      throw new Error(`${CHROMIUM} is missing; .ci/run installs it with apt-get`);
    });
  });
}

describe.skipIf(!available)('the console in Chromium', () => {
  let server: RunningServer;
  let browser: RunningBrowser;
  let page: Page;
  const figures: Record<string, unknown> = {};

  async function shot(name: string): Promise<string> {
    const path = join(ARTIFACTS, `${name}.png`);
    await page.screenshot({ path, fullPage: false });
    return path;
  }

  /** Cookie-session API calls from the browser's own context (cookie + CSRF header, as the console does). */
  async function csrfHeaders(request: APIRequestContext): Promise<Record<string, string>> {
    const session = await request.get(`${server.base}/api/v1/auth/session`);
    expect(session.status()).toBe(200);
    const body = (await session.json()) as { csrfToken: string };
    return { 'x-csrf-token': body.csrfToken };
  }

  async function groups(request: APIRequestContext): Promise<Group[]> {
    const response = await request.get(`${server.base}/api/v1/groups`);
    expect(response.status()).toBe(200);
    return ((await response.json()) as { items: Group[] }).items;
  }

  /**
   * A staff task as the outbox raises it when a platform refused a send. No
   * route creates tasks (modules do) and the demo's simulated platforms never
   * refuse, so the suite writes one row into the server's own SQLite file.
   */
  async function raiseTask(groupId: string): Promise<Task> {
    const session = (await (await browser.context.request.get(`${server.base}/api/v1/auth/session`)).json()) as { workspace: { id: string } };
    const db = new Database(join(server.dataDir, 'qunyun.db'));
    try {
      db.pragma('busy_timeout = 5000');
      const now = Date.now();
      const id = `task_e2e_${now}`;
      db.prepare(
        `insert into tasks (id, workspace_id, cause_key, title, detail, evidence, due_at, assignee_role, assignee_user_id, state, source, group_id, person_id, action_id, created_at, updated_at, done_at, done_by)
         values (?, ?, ?, ?, ?, ?, null, 'operator', null, 'open', 'outbox', ?, null, null, ?, ?, null, null)`,
      ).run(id, session.workspace.id, `e2e:${id}`, '「send」发送失败 / send failed', 'chat_not_found', JSON.stringify({ reason: 'delivery_failed' }), groupId, now, now);
      return { id, state: 'open', title: '「send」发送失败 / send failed', actionId: null };
    } finally {
      db.close();
    }
  }

  async function login(next: RegExp): Promise<void> {
    await page.getByTestId('login-workspace').fill('demo');
    await page.getByTestId('login-email').fill(OWNER);
    await page.getByTestId('login-password').fill(PASSWORD);
    await page.getByTestId('login-submit').click();
    await page.waitForURL(next);
  }

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    const built = ensureBuilt();
    figures.buildBeforeLaunchMs = Math.round(built.serverMs + built.webMs);
    // The browser is already open when the operator types `npm start`: both start together.
    [server, browser] = await Promise.all([
      startServer(PASSWORD).then((running) => {
        figures.serverHealthyAfterLaunchMs = Math.round(performance.now() - running.launchedAt);
        return running;
      }),
      startBrowser(),
    ]);
    page = browser.context.pages()[0] ?? (await browser.context.newPage());
  });

  afterAll(async () => {
    recordFigures(figures);
    await browser?.close();
    await server?.stop();
  });

  test('a newcomer logs in and sees the demo\'s live groups within 60 s of launch', async () => {
    expect(server.output()).toMatch(/Console: http:\/\/\S+\/\s+login: owner@demo\.local \/ \S+\s+\(workspace demo\)/);
    await page.goto(`${server.base}/`);
    await page.waitForURL(/\/login\?next=%2F$/);
    await shot('01-login');
    await login(/\/live$/);
    const firstGroup = page.getByTestId('live-event-group').first();
    await firstGroup.waitFor({ state: 'visible', timeout: LIVE_WITHIN_MS });
    const elapsed = performance.now() - server.launchedAt;
    figures.liveGroupsVisibleAfterLaunchMs = Math.round(elapsed);
    figures.loadAverage = loadavg().map((n) => Math.round(n * 10) / 10);
    process.stdout.write(`live groups visible in Chromium ${(elapsed / 1000).toFixed(1)} s after the server was launched\n`);
    const names = new Set((await groups(browser.context.request)).map((g) => g.name));
    expect(names.has((await firstGroup.textContent()) ?? '')).toBe(true);
    expect(elapsed).toBeLessThan(LIVE_WITHIN_MS);
    await page.getByTestId('live-stream-state').and(page.locator('[data-state="open"]')).waitFor();
    await shot('02-live');
  });

  test('the live stream moves: a join and a message in a group appear without a reload', async () => {
    const request = browser.context.request;
    const headers = await csrfHeaders(request);
    const [group] = await groups(request);
    if (!group) throw new Error('the demo has no groups');
    const text = `浏览器测试消息 ${Date.now()}`;
    const answer = await request.post(`${server.base}/api/v1/sim/events`, {
      headers,
      data: {
        events: [
          { type: 'join', chatId: group.chatId, person: { id: 'e2e-visitor', name: '测试访客' } },
          { type: 'message', chatId: group.chatId, personId: 'e2e-visitor', text },
        ],
      },
    });
    expect(answer.status()).toBe(200);
    await page.getByTestId('live-event').filter({ hasText: text }).waitFor({ timeout: 15_000 });
    await page.getByTestId('live-event').and(page.locator('[data-type="member.joined"]')).filter({ hasText: '测试访客' }).first().waitFor({ timeout: 15_000 });
    const before = await page.getByTestId('live-event').count();
    expect(before).toBeGreaterThan(1);

    await page.getByTestId('live-group-filter').click();
    await page.locator('.ant-select-item-option').filter({ hasText: group.name }).first().click();
    await page.getByTestId('live-event').filter({ hasText: text }).waitFor({ timeout: 15_000 });
    const shownGroups = await page.getByTestId('live-event-group').allTextContents();
    expect(new Set(shownGroups)).toEqual(new Set([group.name]));
    await shot('03-live-filtered');
  });

  test('an unsafe request of the cookie session without the CSRF token is refused', async () => {
    const answer = await browser.context.request.post(`${server.base}/api/v1/tokens`, { data: { name: 'no csrf', role: 'viewer' } });
    expect(answer.status()).toBe(403);
    expect(((await answer.json()) as { code: string }).code).toBe('auth.csrf_invalid');
  });

  test('a task is marked done in the inbox and undone again', async () => {
    const request = browser.context.request;
    const [group] = await groups(request);
    if (!group) throw new Error('the demo has no groups');
    const task = await raiseTask(group.id);
    const listed = (await (await request.get(`${server.base}/api/v1/tasks?state=open`)).json()) as { items: Task[] };
    expect(listed.items.map((t) => t.id)).toContain(task.id);

    await page.getByTestId('module-menu').getByText('待办').click();
    await page.waitForURL(/\/tasks$/);
    const row = page.locator(`tr[data-row-key="${task.id}"]`);
    await row.waitFor();
    await shot('04-tasks');
    await row.getByTestId('task-done').click();
    await row.waitFor({ state: 'detached' });
    const done = (await (await request.get(`${server.base}/api/v1/tasks/${task.id}`)).json()) as Task;
    expect(done.state).toBe('done');

    await page.getByTestId('task-filter').getByText('已完成').click();
    await row.getByTestId('task-undo').click();
    await row.waitFor({ state: 'detached' });
    const undone = (await (await request.get(`${server.base}/api/v1/tasks/${task.id}`)).json()) as Task;
    expect(undone.state).toBe('open');
  });

  test('the groups list leads to a group page with members, their history, the transcript and the group\'s tasks', async () => {
    await page.getByTestId('module-menu').getByText('社群').click();
    await page.waitForURL(/\/groups$/);
    const rows = page.getByTestId('groups-table').locator('tbody tr[data-row-key]');
    await rows.first().waitFor();
    expect(await rows.count()).toBe((await groups(browser.context.request)).length);
    await shot('05-groups');
    await rows.first().locator('a').click();
    await page.waitForURL(/\/groups\/[^/]+$/);
    await page.getByTestId('members-table').locator('tbody tr[data-row-key]').first().waitFor();
    await page.getByText('入退群记录').click();
    await page.getByTestId('members-table').locator('tbody tr[data-row-key]').first().waitFor();
    await page.getByRole('tab', { name: '聊天记录' }).click();
    await page.getByTestId('transcript-table').locator('tbody tr[data-row-key]').first().waitFor({ timeout: 30_000 });
    await page.getByRole('tab', { name: '待办' }).click();
    await page.getByTestId('tasks-table').waitFor();
    await shot('06-group');
  });

  test('an API error shows the server\'s message instead of a blank page', async () => {
    await page.goto(`${server.base}/groups/grp_does_not_exist`);
    const error = page.getByTestId('page-error');
    await error.waitFor();
    expect((await error.textContent())?.length ?? 0).toBeGreaterThan(4);
    await expect(page.getByTestId('module-menu').isVisible()).resolves.toBe(true);
  });

  test('the operator switches to English and the choice survives a reload', async () => {
    await page.goto(`${server.base}/live`);
    await page.getByTestId('live-page').waitFor();
    await page.getByTestId('language-switch').click();
    await page.locator('.ant-select-item-option').filter({ hasText: 'English' }).click();
    await page.getByTestId('module-menu').getByText('Live', { exact: true }).waitFor();
    await page.getByTestId('menu-soon-analytics').getByText('Coming soon').waitFor();
    await page.reload();
    await page.getByTestId('module-menu').getByText('Groups', { exact: true }).waitFor();
    await shot('05-english');
    await page.getByTestId('language-switch').click();
    await page.locator('.ant-select-item-option').filter({ hasText: '简体中文' }).click();
    await page.getByTestId('module-menu').getByText('实时动态').waitFor();
  });

  test('after logout a wrong password gets the generic refusal, and login returns to the remembered page', async () => {
    await page.getByTestId('user-menu').hover();
    await page.getByTestId('logout').click();
    await page.waitForURL(/\/login/);
    await page.goto(`${server.base}/settings/connectors`);
    await page.waitForURL(/\/login\?next=%2Fsettings%2Fconnectors/);
    await page.getByTestId('login-workspace').fill('demo');
    await page.getByTestId('login-email').fill(OWNER);
    await page.getByTestId('login-password').fill('not-the-password');
    await page.getByTestId('login-submit').click();
    await expect(page.getByTestId('login-error').textContent()).resolves.toContain('企业、邮箱或密码不正确');
    await page.getByTestId('login-email').fill('nobody@demo.local');
    await page.getByTestId('login-submit').click();
    await expect(page.getByTestId('login-error').textContent()).resolves.toContain('企业、邮箱或密码不正确');
    await shot('06-login-refused');
    await login(/\/settings\/connectors$/);
    await page.getByTestId('connectors-table').locator('tbody tr').first().waitFor();
    await shot('07-connectors');
  });

  test('Settings → Connectors shows per connector its health and which guard features degrade to staff tasks', async () => {
    const request = browser.context.request;
    const created = await request.post(`${server.base}/api/v1/connectors`, { headers: await csrfHeaders(request), data: { platform: 'simulator', profile: 'wecom', name: '企微模拟' } });
    expect(created.status()).toBe(201);
    const wecom = (await created.json()) as { id: string };
    const listed = (await (await request.get(`${server.base}/api/v1/connectors`)).json()) as { items: { id: string; profile: string | null }[] };
    const full = listed.items.find((c) => c.profile === 'full')!;
    await page.goto(`${server.base}/settings/connectors`);
    await page.getByTestId(`connector-degrades-${wecom.id}`).waitFor();
    const degraded = await page.getByTestId(`connector-degrades-${wecom.id}`).textContent();
    expect(degraded).toContain('禁言 → 员工任务');
    expect(degraded).toContain('移出群聊 → 员工任务');
    expect(degraded).not.toContain('关键词回复');
    await expect(page.getByTestId(`connector-degrades-${full.id}`).textContent()).resolves.toBe('全部自动执行');
    await expect(page.getByTestId(`connector-health-${wecom.id}`).textContent()).resolves.toContain('正常');
    await shot('07b-connectors-degradation');
  });

  test('the console screenshot for the README shows the live page', async () => {
    await page.goto(`${server.base}/live`);
    await page.getByTestId('live-event').nth(5).waitFor({ timeout: 30_000 });
    await page.waitForTimeout(1_500);
    const path = await shot('console');
    if (process.env.QUNYUN_UPDATE_README_SCREENSHOT) copyFileSync(path, join(REPO_ROOT, 'docs', 'images', 'console.png'));
  });
  test('the owner invites a staff member who accepts the link and lands in the console', async () => {
    await page.goto(`${server.base}/settings/staff`);
    await page.getByTestId('staff-table').locator('tbody tr').first().waitFor();
    await page.getByTestId('staff-invite').click();
    await page.getByRole('dialog').locator('input[type="email"]').fill('yunying@demo.local');
    await page.getByRole('dialog').getByRole('button', { name: '生成邀请链接' }).click();
    const url = (await page.getByTestId('invite-url').textContent())?.trim() ?? '';
    const token = /\/invite\/([^/?#\s]+)$/.exec(url)?.[1];
    expect(token).toBeTruthy();
    await shot('09-invite');
    await page.keyboard.press('Escape');

    await page.getByTestId('user-menu').hover();
    await page.getByTestId('logout').click();
    await page.waitForURL(/\/login/);
    await page.goto(`${server.base}/invite/${token}`);
    await page.getByTestId('invite-name').fill('小运营');
    await page.getByTestId('invite-password').fill('yunying-password-1');
    await page.getByTestId('invite-submit').click();
    await page.waitForURL(/\/live$/);
    await expect(page.getByTestId('user-menu').textContent()).resolves.toContain('小运营');
    const session = (await (await browser.context.request.get(`${server.base}/api/v1/auth/session`)).json()) as { user: { email: string; role: string } };
    expect(session.user).toMatchObject({ email: 'yunying@demo.local', role: 'operator' });
  });

  test('a staff member changes their password from the user menu and logs in with the new one', async () => {
    await page.getByTestId('user-menu').hover();
    await page.getByText('修改密码').click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('当前密码').fill('yunying-password-1');
    await dialog.getByLabel('新密码（至少 8 位）').fill('yunying-password-2');
    await dialog.getByLabel('再次输入新密码').fill('yunying-password-2');
    await dialog.getByRole('button', { name: /保\s?存/ }).click();
    await page.getByText('密码已修改').waitFor();
    const login = (password: string) =>
      fetch(`${server.base}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ workspace: 'demo', email: 'yunying@demo.local', password }),
      });
    expect((await login('yunying-password-2')).status).toBe(200);
    expect((await login('yunying-password-1')).status).toBe(401);
  });

  test('repeated wrong passwords end in the throttle message with the wait in seconds', async () => {
    const attempt = () =>
      fetch(`${server.base}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ workspace: 'demo', email: 'guess@demo.local', password: 'wrong-guess' }),
      });
    for (let i = 0; i < 5; i += 1) expect((await attempt()).status).toBe(401);
    await page.goto(`${server.base}/login`);
    await page.getByTestId('login-workspace').fill('demo');
    await page.getByTestId('login-email').fill('guess@demo.local');
    await page.getByTestId('login-password').fill('wrong-guess');
    await page.getByTestId('login-submit').click();
    await expect(page.getByTestId('login-error').textContent()).resolves.toMatch(/尝试次数过多，请 \d+ 秒后再试/);
    await shot('08-login-throttled');
  });
});
