import React, { useEffect } from 'react';
import { MemoryRouter, Route, Routes, useLocation } from 'react-router-dom';
import { render } from '@testing-library/react';
import type { AppRootProps } from '@grafana/data';
import App from '../components/App/App';
import { PLUGIN_BASE_URL } from '../constants';

/** Where the app has navigated to, for assertions on URL state. */
export const location = { pathname: '', search: '' };

function LocationProbe() {
  const l = useLocation();
  useEffect(() => {
    Object.assign(location, { pathname: l.pathname, search: l.search });
  }, [l]);
  return null;
}

/** The app as Grafana mounts it under /a/<plugin id>/, opened at `path` (relative to that). */
export function renderApp(path: string) {
  const props = {
    basename: PLUGIN_BASE_URL,
    meta: {},
    query: {},
    path: '',
    onNavChanged: () => {},
  } as unknown as AppRootProps;
  return render(
    // Opting into react-router's v7 behaviour keeps its deprecation warnings out of the test output.
    <MemoryRouter
      initialEntries={[`${PLUGIN_BASE_URL}/${path}`]}
      future={{ v7_startTransition: true, v7_relativeSplatPath: true }}
    >
      <LocationProbe />
      <Routes>
        <Route path={`${PLUGIN_BASE_URL}/*`} element={<App {...props} />} />
      </Routes>
    </MemoryRouter>
  );
}

/** The query parameters of the current location. */
export const searchParams = () => Object.fromEntries(new URLSearchParams(location.search));
