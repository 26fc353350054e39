import { defineEntity, p } from '@mikro-orm/core';

/**
 * Sign-in attempts counted per key over a fixed window (throttle.ts): `account:<hash of the email>` and
 * `address:<client address>`. Every API process shares the counts; a row past its window is reset on next use.
 */
export const LoginThrottleSchema = defineEntity({
  name: 'LoginThrottle',
  tableName: 'login_throttle',
  properties: {
    key: p.string().length(100).primary(),
    /** Attempts in the current window, this one included; a successful sign-in gives its attempt back. */
    attempts: p.integer(),
    windowEndsAt: p.datetime(),
  },
  indexes: [{ properties: ['windowEndsAt'] }],
});
export class LoginThrottle extends LoginThrottleSchema.class {}
LoginThrottleSchema.setClass(LoginThrottle);
