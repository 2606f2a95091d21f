import { afterAll, afterEach, beforeAll } from 'vitest';
import { startFakeApi, type FakeApi } from '../helpers/fake-api/index.js';

/**
 * One fake API server for a client test file: started before its first test and handed to
 * `onStarted`, reset after each test (after `afterEachTest`, where the file closes its client),
 * and closed after the last.
 */
export function useFakeApi(onStarted: (api: FakeApi) => void, afterEachTest: () => unknown = () => undefined): void {
  let api: FakeApi | undefined;
  beforeAll(async () => {
    api = await startFakeApi();
    onStarted(api);
  });
  afterEach(async () => {
    await afterEachTest();
    api?.reset();
  });
  afterAll(() => api?.close());
}
