/**
 * Every test file: getBackendSrv() is the Grafana emulator (plugin routes over real HTTP to the
 * test collector), config.bootData.user.orgRole follows the emulator's role, and each test starts
 * as an Admin of a configured app.
 */
import { configure } from '@testing-library/react';
import { configured, grafana, signInAs } from './grafana';

// Pages wait on a real collector over HTTP, on two cores shared with it: give answers time.
configure({ asyncUtilTimeout: 10_000 });

jest.mock('@grafana/runtime', () => ({
  ...jest.requireActual('@grafana/runtime'),
  getBackendSrv: () => require('./grafana').grafana.backendSrv,
}));

beforeEach(() => {
  grafana.reset(configured());
  signInAs('Admin');
});

afterEach(async () => {
  // A page's requests still in flight finish here, not in the next test's record of what was forwarded.
  await grafana.settled();
  // No page may fetch anything but the plugin's routes (and the config page, Grafana's settings API).
  expect(grafana.outside).toEqual([]);
});
