import type { z } from 'zod';
import { PLUGIN_BRAND, type Plugin, type PluginDefinition } from './plugin.ts';

/**
 * Build a plugin. The options schema's output type flows into `apply`'s `options`; the returned value is
 * frozen and branded so the kernel (and loaders) can tell a plugin from any other export. Nothing is
 * checked here: `Kernel.register` does every check, with its own error code.
 */
export function definePlugin<Schema extends z.ZodType>(def: PluginDefinition<Schema>): Plugin<Schema> {
  const plugin: Plugin<Schema> = { ...def, [PLUGIN_BRAND]: true };
  // A copy, so the caller cannot change the dependencies after the kernel checked them.
  if (Array.isArray(def.dependsOn)) plugin.dependsOn = Object.freeze([...def.dependsOn]) as string[];
  return Object.freeze(plugin);
}

/** Whether `value` was built by `definePlugin` (any copy of this package: the brand is a global symbol). */
export function isPlugin(value: unknown): value is Plugin {
  return (
    (typeof value === 'object' || typeof value === 'function') &&
    value !== null &&
    (value as { [PLUGIN_BRAND]?: unknown })[PLUGIN_BRAND] === true
  );
}
