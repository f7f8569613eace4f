// fail, declared: fails the host with a message; it reads nothing.
import { declareModule } from './declare.js';

/** The fail module. */
export const failModule = declareModule({
  spec: { controllerOnly: true, options: { msg: { type: 'raw' } } },
  controllerAction: true,
  facts: async () => ({}),
  plan: (o) => ({ steps: [], result: { changed: false, failed: true, msg: o.msg ?? 'Failed as requested from task' } }),
});
