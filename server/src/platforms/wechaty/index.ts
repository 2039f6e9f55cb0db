export { createWechatyAdapter, createWechatyConnectors, isWechatyAdapter, type WechatyAdapter } from './adapter.js';
export type { FaithfulMockPuppet } from './mock-peer.js';
export { WechatyConfigSchema, type WechatyConfig } from './schema.js';
