// Every load scenario, in the order the harness runs them.
import api from './api.js';
import ask from './ask.js';
import churn from './churn.js';
import proxy from './proxy.js';
import resolve from './resolve.js';
import widget from './widget.js';

/** @type {import('./scenario.js').Scenario[]} */
export const scenarios = [ask, resolve, proxy, api, widget, churn];
