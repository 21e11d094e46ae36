/** Response shapes of the collector's costs routes: the collector serialises with them, the plugin is typed from them. */
export {};
