import { z } from 'zod';

export const IdentitySchema = z.object({
  id: z.string(),
  connectorId: z.string(),
  externalId: z.string(),
  name: z.string().nullable(),
  linkKey: z.string().nullable(),
});

export const PersonSchema = z.object({
  id: z.string(),
  displayName: z.string().nullable(),
  createdAt: z.number(),
  deletedAt: z.number().nullable(),
  identities: z.array(IdentitySchema),
});
export type Person = z.infer<typeof PersonSchema>;

export const PeopleQuerySchema = z.object({
  q: z.string().max(100).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  before: z.string().max(64).optional(),
});
