import type { QunyunApp } from './app.js';
import type { Principal } from './kernel/http/principal.js';

// The demo world for `npm start`: workspace `demo` with a few simulated groups
// of the types operators run (DOMAIN §3). Created once; a restart keeps it.

const GROUPS = [
  { name: '群运宠粉群 1', type: 'new_user', tags: ['宠粉'], profile: 'full' },
  { name: '21天打卡训练营 3期', type: 'camp', tags: ['训练营'], profile: 'wecom' },
  { name: '铁粉VIP群', type: 'vip', tags: ['VIP'], profile: 'wechat' },
] as const;

const NAMES = ['小王', '小李', '阿珍', '大壮', '婷婷', '老周', '文文', '晓明', '静静', '阿杰', '小美', '老张'];

/** Seeds the world once; on that first start answers an owner API token to print (shown once). */
export async function seedDemo(app: QunyunApp): Promise<{ created: boolean; token?: string }> {
  const workspace = await app.workspaces.ensureWorkspace('demo', '群运演示');
  const existing = await app.groups.list(workspace.id, { limit: 1 });
  if (existing.length > 0) return { created: false };
  const principal: Principal = { workspaceId: workspace.id, role: 'owner', actor: 'system:demo' };
  await app.connectors.ensureSimulator(workspace.id, 'full');
  for (const [g, group] of GROUPS.entries()) {
    await app.simulator.createGroup(principal, {
      name: group.name,
      type: group.type,
      tags: [...group.tags],
      profile: group.profile,
      people: [
        { id: 'staff-1', name: '群运宠粉官', role: 'owner' },
        ...NAMES.map((name, i) => ({ id: `p-${g}-${i}`, name, role: 'member' as const })),
      ],
    });
  }
  const { value } = await app.workspaces.createToken(workspace.id, { name: 'demo owner', role: 'owner', createdBy: null });
  return { created: true, token: value };
}
