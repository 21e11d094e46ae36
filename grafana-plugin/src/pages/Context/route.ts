/** The Context page's path under the app (plugin.json's include is `/a/<plugin id>/context`). */
export const CONTEXT_ROUTE = 'context';
