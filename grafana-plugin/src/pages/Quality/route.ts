/** The Quality page's path under the app (plugin.json's include is `/a/<plugin id>/quality`). */
export const QUALITY_ROUTE = 'quality';
