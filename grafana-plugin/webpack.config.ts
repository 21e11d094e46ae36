import path from 'path';
import CopyWebpackPlugin from 'copy-webpack-plugin';
import type { Configuration } from 'webpack';
import { merge } from 'webpack-merge';
import grafanaConfig, { type Env } from './.config/webpack/webpack.config';

/**
 * The scaffold's config plus the dashboards generated in ../dashboards/json: plugin.json includes
 * them as `dashboards/<name>.json`, so installing the app brings them. They are copied at build
 * time, not committed twice.
 */
const config = async (env: Env): Promise<Configuration> =>
  merge(await grafanaConfig(env), {
    plugins: [
      new CopyWebpackPlugin({
        patterns: [
          { from: path.resolve(__dirname, '..', 'dashboards', 'json', '*.json'), to: 'dashboards/[name][ext]' },
        ],
      }),
    ],
  });

export default config;
