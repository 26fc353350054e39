// k6 run perf/k6/resolve.js -e BASE_URL=… — the resolve scenario (perf/scenarios/resolve.js) under k6; see perf/README.md.
import scenario from '../scenarios/resolve.js';
import { k6Script } from './drive.js';

const script = k6Script(scenario);
export const options = script.options;
export const setup = script.setup;
export const handleSummary = script.handleSummary;
export default script.iteration;
