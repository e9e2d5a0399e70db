// The file piscina's threads load. piscina tries require() first; on Node 20.19+ require() of an ES module can
// meet the same module graph being loaded by import() and abort the whole process (V8's "IsGraphAsync must be
// used on an instantiated module"). This CommonJS entry loads the real worker module with import() only, once
// per thread, and hands it the task: `{ module: <file URL of an ES module with a default export>, task }`.

interface EsmTask {
  module: string;
  task: unknown;
}

type Handler = (task: unknown) => unknown;

const handlers = new Map<string, Promise<Handler>>();

function handlerOf(module: string): Promise<Handler> {
  let h = handlers.get(module);
  if (!h) {
    h = import(module).then((m: { default: Handler }) => m.default);
    handlers.set(module, h);
  }
  return h;
}

export = async function runEsmTask(t: EsmTask): Promise<unknown> {
  return (await handlerOf(t.module))(t.task);
};
