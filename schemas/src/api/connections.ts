/** Response shapes of the collector's connections routes: the collector serialises with them, the plugin is typed from them. */
export {};
