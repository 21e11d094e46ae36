/**
 * Every test file: getBackendSrv() is the Grafana emulator (plugin routes over real HTTP to the
 * test collector), config.bootData.user.orgRole follows the emulator's role, and each test starts
 * as an Admin of a configured app.
 */
import { configured, grafana, signInAs } from './grafana';

jest.mock('@grafana/runtime', () => ({
  ...jest.requireActual('@grafana/runtime'),
  getBackendSrv: () => require('./grafana').grafana.backendSrv,
}));

beforeEach(() => {
  grafana.reset(configured());
  signInAs('Admin');
});

afterEach(() => {
  // No page may fetch anything but the plugin's routes (and the config page, Grafana's settings API).
  expect(grafana.outside).toEqual([]);
});
