// Test support, loaded only by tests (`node --import …/fleet-test-support.js dist/src/cli/main.js worker …`;
// not shipped in the package): makes each analysis wait PATCHDX_TEST_SLOW_MS first (so a test can kill a
// worker mid-job) and makes the analyzer throw for the bundle whose SHA-256 is PATCHDX_TEST_CRASH_SHA.

const slowMs = Number(process.env.PATCHDX_TEST_SLOW_MS ?? 0);
const crashSha = process.env.PATCHDX_TEST_CRASH_SHA ?? '';

(globalThis as Record<symbol, unknown>)[Symbol.for('patchdx.fleet.testHook')] = async (
  sha256: string,
): Promise<void> => {
  if (slowMs > 0) await new Promise((res) => setTimeout(res, slowMs));
  if (sha256 === crashSha) throw new Error('the analyzer crashed on this bundle (test hook)');
};
