/** The Governance page's path under the app (plugin.json's include is `/a/<plugin id>/governance`). */
export const GOVERNANCE_ROUTE = 'governance';
