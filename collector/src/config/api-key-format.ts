/**
 * What an API key looks like. The configuration checks the bootstrap keys against it before
 * anything starts, and the configuration depends on nothing of the domain, so the format lives
 * here and auth/ takes it from here.
 */
export const API_KEY_PREFIX = 'arm_sk_live_';
export const API_KEY_PATTERN = /^arm_sk_live_[A-Za-z0-9]{32,64}$/;
