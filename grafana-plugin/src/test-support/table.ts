import { screen } from '@testing-library/react';

/**
 * The body rows of the table with this accessible name. Only the table is found by role: role
 * queries over every row and cell of a table of Grafana UI take seconds in jsdom, and a `waitFor`
 * runs them again on each retry.
 */
export function bodyRows(name: string): HTMLTableRowElement[] {
  const table = screen.getByRole('table', { name }) as HTMLTableElement;
  return Array.from(table.tBodies[0]?.rows ?? []);
}

/** The text of each cell of a row. */
export const cellTexts = (row: HTMLTableRowElement) => Array.from(row.cells, (c) => c.textContent ?? '');
