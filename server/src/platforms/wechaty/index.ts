export { createWechatyAdapter, createWechatyConnectors, isWechatyAdapter, type WechatyAdapter } from './adapter.js';
export type { FaithfulMockPuppet } from './mock-peer.js';
export { allowedPuppets, puppetModule, WechatyConfigSchema, wechatyErrors, type WechatyConfig } from './schema.js';
