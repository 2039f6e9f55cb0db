export * from './world.js';
export { demoLifeJob, LIFE_JOB, planTick, TICK_MS } from './life.js';
export { seedDemo, type DemoReady } from './seed.js';
export { findWorld, countPeople, type DemoWorld, type DemoGroupPlan } from './store.js';
