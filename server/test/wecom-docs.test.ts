import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderCapabilityMatrix } from '../src/platforms/capability-matrix.js';
import { WECOM_CAPABILITIES } from '../src/platforms/wecom/adapter.js';

// docs/platforms.md shows the WeCom capability table rendered from the adapter's declaration.

describe('the WeCom capability table in docs/platforms.md', () => {
  it('is exactly what the adapter declares', () => {
    const page = readFileSync(new URL('../../docs/platforms.md', import.meta.url), 'utf8');
    const table = /<!-- capabilities:wecom -->\n([\s\S]*?)\n<!-- \/capabilities:wecom -->/.exec(page)?.[1];
    expect(table, 'paste this table between the capabilities:wecom markers').toBe(renderCapabilityMatrix({ wecom: WECOM_CAPABILITIES }));
  });
});
