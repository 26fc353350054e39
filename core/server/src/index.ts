export { createApp } from './app.ts';
export { buildContainer, type Cradle } from './container.ts';
export { loadConfig, parseConfig } from './config/load-config.ts';
export { startPortico, type Portico, type Role } from './runtime.ts';
export { ERROR_CODES } from './errors/registry.ts';
