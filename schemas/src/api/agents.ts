/** Response shapes of the collector's agents routes: the collector serialises with them, the plugin is typed from them. */
export {};
