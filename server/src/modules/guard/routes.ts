import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import { principalOf, typed } from '../../kernel/http/server.js';
import {
  ExemptionSchema,
  ExemptionsBodySchema,
  PoliciesBodySchema,
  PolicySchema,
  RuleInputSchema,
  RulePatchSchema,
  RuleQuerySchema,
  RuleSchema,
  StatsSchema,
  TryInputSchema,
  TryResultSchema,
  ViolationQuerySchema,
  ViolationSchema,
  WelcomePreviewResultSchema,
  WelcomePreviewSchema,
  WordImportSchema,
  WordListInputSchema,
  WordListPatchSchema,
  WordListSchema,
} from './schema.js';
import type { GuardService } from './service.js';

const Params = z.object({ id: z.string().min(1).max(64) });
const tags = ['guard'];

export function guardRoutes(service: GuardService) {
  return async (plain: FastifyInstance) => {
    const app = typed(plain);

    // ── rules: welcome (入群欢迎语), keyword reply (关键词回复), behaviour ──
    app.get('/api/v1/guard/rules', {
      config: { role: 'viewer' },
      schema: { tags, summary: 'Guard rules (welcome, reply, behaviour), in priority order', querystring: RuleQuerySchema, response: { 200: z.object({ items: z.array(RuleSchema) }) } },
    }, async (request) => ({ items: await service.listRules(principalOf(request).workspaceId, request.query.kind) }));

    app.post('/api/v1/guard/rules', {
      config: { role: 'operator' },
      schema: { tags, summary: 'Create a rule; an unsafe or invalid regex answers 400 with the reason', body: RuleInputSchema, response: { 201: RuleSchema } },
    }, async (request, reply) => reply.status(201).send(await service.createRule(principalOf(request), request.body)));

    app.get('/api/v1/guard/rules/:id', {
      config: { role: 'viewer' },
      schema: { tags, summary: 'One rule with its hit count', params: Params, response: { 200: RuleSchema } },
    }, async (request) => service.getRule(principalOf(request).workspaceId, request.params.id));

    app.patch('/api/v1/guard/rules/:id', {
      config: { role: 'operator' },
      schema: { tags, summary: 'Change a rule', params: Params, body: RulePatchSchema, response: { 200: RuleSchema } },
    }, async (request) => service.updateRule(principalOf(request), request.params.id, request.body));

    app.delete('/api/v1/guard/rules/:id', {
      config: { role: 'operator' },
      schema: { tags, summary: 'Delete a rule', params: Params, response: { 204: z.null() } },
    }, async (request, reply) => {
      await service.deleteRule(principalOf(request), request.params.id);
      return reply.status(204).send(null);
    });

    app.post('/api/v1/guard/rules/:id/preview', {
      config: { role: 'viewer' },
      schema: { tags, summary: 'Render a welcome rule for sample joiners (nothing is sent)', params: Params, body: WelcomePreviewSchema, response: { 200: WelcomePreviewResultSchema } },
    }, async (request) => service.previewWelcome(principalOf(request).workspaceId, request.params.id, request.body));

    // ── word lists (违禁词库) ──
    app.get('/api/v1/guard/word-lists', {
      config: { role: 'viewer' },
      schema: { tags, summary: 'Banned-word lists with their categories and hit counts', response: { 200: z.object({ items: z.array(WordListSchema) }) } },
    }, async (request) => ({ items: await service.listWordLists(principalOf(request).workspaceId) }));

    app.post('/api/v1/guard/word-lists', {
      config: { role: 'operator' },
      schema: { tags, summary: 'Create a word list', body: WordListInputSchema, response: { 201: WordListSchema } },
    }, async (request, reply) => reply.status(201).send(await service.createWordList(principalOf(request), request.body)));

    app.get('/api/v1/guard/word-lists/:id', {
      config: { role: 'viewer' },
      schema: { tags, summary: 'One word list with its words', params: Params, response: { 200: WordListSchema } },
    }, async (request) => service.getWordList(principalOf(request).workspaceId, request.params.id));

    app.patch('/api/v1/guard/word-lists/:id', {
      config: { role: 'operator' },
      schema: { tags, summary: 'Change a word list (words replace the list)', params: Params, body: WordListPatchSchema, response: { 200: WordListSchema } },
    }, async (request) => service.updateWordList(principalOf(request), request.params.id, request.body));

    app.delete('/api/v1/guard/word-lists/:id', {
      config: { role: 'operator' },
      schema: { tags, summary: 'Delete a word list', params: Params, response: { 204: z.null() } },
    }, async (request, reply) => {
      await service.deleteWordList(principalOf(request), request.params.id);
      return reply.status(204).send(null);
    });

    app.post('/api/v1/guard/word-lists/:id/import', {
      config: { role: 'operator' },
      schema: {
        tags,
        summary: 'Import words from text (one per line) or CSV (first column). All or nothing: any bad line answers 400 listing every bad line',
        params: Params,
        body: WordImportSchema,
        response: { 200: z.object({ imported: z.number().int(), wordCount: z.number().int() }) },
      },
    }, async (request) => service.importWords(principalOf(request), request.params.id, request.body));

    // ── escalation ladder (三次请出) and exemptions ──
    app.get('/api/v1/guard/policies', {
      config: { role: 'viewer' },
      schema: { tags, summary: 'Escalation policies: the workspace default (*) and per group type', response: { 200: z.object({ items: z.array(PolicySchema), isDefault: z.boolean() }) } },
    }, async (request) => service.policies(principalOf(request).workspaceId));

    app.put('/api/v1/guard/policies', {
      config: { role: 'admin' },
      schema: { tags, summary: 'Replace the escalation policies', body: PoliciesBodySchema, response: { 200: z.object({ items: z.array(PolicySchema), isDefault: z.boolean() }) } },
    }, async (request) => service.replacePolicies(principalOf(request), request.body.items));

    app.get('/api/v1/guard/exemptions', {
      config: { role: 'viewer' },
      schema: { tags, summary: 'People never moderated (whitelisted KOLs, partners); staff and group admins are exempt anyway', response: { 200: z.object({ items: z.array(ExemptionSchema) }) } },
    }, async (request) => ({ items: await service.exemptions(principalOf(request).workspaceId) }));

    app.put('/api/v1/guard/exemptions', {
      config: { role: 'admin' },
      schema: { tags, summary: 'Replace the exemption list', body: ExemptionsBodySchema, response: { 200: z.object({ items: z.array(ExemptionSchema) }) } },
    }, async (request) => ({ items: await service.replaceExemptions(principalOf(request), request.body.items) }));

    // ── violation log ──
    app.get('/api/v1/guard/violations', {
      config: { role: 'viewer' },
      schema: { tags, summary: 'Violation log with evidence, newest first', querystring: ViolationQuerySchema, response: { 200: z.object({ items: z.array(ViolationSchema) }) } },
    }, async (request) => ({ items: await service.violations(principalOf(request).workspaceId, request.query) }));

    app.post('/api/v1/guard/violations/:id/pardon', {
      config: { role: 'operator' },
      schema: { tags, summary: 'Pardon a violation: it no longer counts toward the ladder', params: Params, response: { 200: ViolationSchema } },
    }, async (request) => service.pardon(principalOf(request), request.params.id));

    // ── try a message, statistics ──
    app.post('/api/v1/guard/try', {
      config: { role: 'viewer' },
      schema: { tags, summary: 'Try a message: which words and rules it hits, what the ladder and the replies would do. Nothing is done', body: TryInputSchema, response: { 200: TryResultSchema } },
    }, async (request) => service.tryMessage(principalOf(request).workspaceId, request.body));

    app.get('/api/v1/guard/stats', {
      config: { role: 'viewer' },
      schema: { tags, summary: 'Hit statistics: rules, word lists, violations by category, blacklist size', querystring: z.object({ days: z.coerce.number().int().min(1).max(366).default(30) }), response: { 200: StatsSchema } },
    }, async (request) => service.stats(principalOf(request).workspaceId, request.query.days));
  };
}
