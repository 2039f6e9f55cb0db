export { createWechatyAdapter, createWechatyConnectors, isWechatyAdapter, type WechatyAdapter } from './adapter.js';
export { FaithfulMockPuppet } from './mock-peer.js';
export { WechatyConfigSchema, type WechatyConfig } from './schema.js';
