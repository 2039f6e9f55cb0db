import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Page } from 'playwright-core';
import { ARTIFACTS, chromiumAvailable, ensureBuilt, startBrowser, startServer, type RunningBrowser, type RunningServer } from './harness';

// The guard's console pages (群守护) in real Chromium against the demo server:
// the demo's starter rules are there, an operator adds a keyword reply and
// tries a message in the preview box, a bad word import shows its bad lines.
// (console.e2e.ts prints the loud notice when Chromium is missing.)

const PASSWORD = 'e2e-guard-password-1';

describe.skipIf(!chromiumAvailable())('the guard pages in Chromium', () => {
  let server: RunningServer;
  let browser: RunningBrowser;
  let page: Page;

  const shot = (name: string) => page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    ensureBuilt();
    [server, browser] = await Promise.all([startServer(PASSWORD), startBrowser()]);
    page = browser.context.pages()[0] ?? (await browser.context.newPage());
    await page.goto(`${server.base}/login`);
    await page.getByTestId('login-workspace').fill('demo');
    await page.getByTestId('login-email').fill('owner@demo.local');
    await page.getByTestId('login-password').fill(PASSWORD);
    await page.getByTestId('login-submit').click();
    await page.waitForURL(/\/live$/);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  test('the guard menu opens the demo\'s welcome rule, and its preview renders the joiners\' names', async () => {
    await page.getByTestId('menu-guard').click();
    await page.waitForURL(/\/guard\/welcome$/);
    const table = page.getByTestId('guard-welcome-table');
    await table.getByText('新人欢迎（合并）').waitFor();
    await page.getByTestId('guard-welcome-preview').first().click();
    const box = page.getByTestId('guard-welcome-preview-box');
    await box.getByRole('button').click();
    await page.getByTestId('guard-welcome-preview-result').getByText(/欢迎 .*小王.*加入示例群/).waitFor();
    await shot('guard-01-welcome-preview');
  });

  test('an operator creates a keyword reply and the try box shows its answer', async () => {
    await page.getByTestId('guard-tab-replies').click();
    await page.waitForURL(/\/guard\/replies$/);
    await page.getByTestId('guard-reply-table').getByText('发货时间').waitFor();
    await page.getByTestId('guard-reply-create').click();
    await page.getByTestId('guard-rule-name').fill('积分兑换');
    const patterns = page.locator('#patterns');
    await patterns.click();
    await patterns.fill('积分兑换');
    await patterns.press('Enter');
    await page.getByTestId('guard-reply-answers').fill('积分可以在会员中心兑换小样和优惠券～');
    await page.getByTestId('guard-rule-save').click();
    await page.getByTestId('guard-reply-table').getByText('积分兑换', { exact: true }).waitFor();

    await page.getByTestId('guard-try-input').fill('請問積分 兌換在哪裡？');
    await page.getByTestId('guard-try-run').click();
    const reply = page.getByTestId('guard-try-reply');
    await reply.waitFor();
    expect(await reply.textContent()).toContain('积分可以在会员中心兑换小样和优惠券～');
    expect(await reply.textContent()).toContain('积分兑换');
    await shot('guard-02-reply-try');
  });

  test('a spammer\'s line in the try box hits the ads list and the first ladder step', async () => {
    await page.getByTestId('guard-tab-words').click();
    await page.getByTestId('guard-words-table').getByText('广告引流').waitFor();
    await page.getByTestId('guard-try-input').fill('兼职日结300，在家可做');
    await page.getByTestId('guard-try-run').click();
    await page.getByTestId('guard-try-result').getByText('兼职').first().waitFor();
    expect(await page.getByTestId('guard-try-escalation').textContent()).toContain('私聊提醒');
  });

  test('a word import with a bad line is refused with that line shown, and nothing is imported', async () => {
    const rows = page.getByTestId('guard-words-table').locator('tr').filter({ hasText: '广告引流' });
    const before = await rows.locator('td').nth(2).textContent();
    await rows.getByTestId('guard-words-import').click();
    await page.getByTestId('guard-import-content').fill(`好词一个\n${'长'.repeat(60)}\n另一个词`);
    await page.locator('.ant-modal-footer .ant-btn-primary:visible').click();
    const errors = page.getByTestId('guard-import-errors');
    await errors.waitFor();
    expect(await errors.textContent()).toContain('第 2 行');
    await shot('guard-03-import-bad-line');
    await page.locator('.ant-modal-footer .ant-btn:visible').first().click();
    expect(await rows.locator('td').nth(2).textContent()).toBe(before);
  });

  test('the escalation tab shows the three-strike ladder and the violation log and blacklist open', async () => {
    await page.getByTestId('guard-tab-policy').click();
    await page.getByTestId('guard-policy').first().waitFor();
    expect(await page.getByTestId('guard-policy').first().textContent()).toContain('第 3 次违规');
    await page.getByTestId('guard-tab-violations').click();
    await page.getByTestId('guard-violations-table').waitFor();
    await page.getByTestId('guard-tab-blacklist').click();
    await page.getByTestId('guard-blacklist-table').waitFor();
    await page.getByTestId('guard-tab-behaviour').click();
    await page.getByTestId('guard-behaviour-table').getByText('刷屏（10 秒 5 条）').waitFor();
    await shot('guard-04-behaviour');
  });

  test('in English the guard pages speak English', async () => {
    await page.getByTestId('language-switch').click();
    await page.locator('.ant-select-item-option').filter({ hasText: 'English' }).click();
    await page.getByTestId('guard-tab-replies').getByText('Keyword replies').waitFor();
    await page.getByTestId('guard-tab-replies').click();
    await page.getByTestId('guard-try').getByText('Try a message').waitFor();
    await page.getByTestId('menu-guard').getByText('Guard').waitFor();
    await shot('guard-05-english');
  });
});
