import { ConfigError, databaseEnvShape, loadConfig, serverEnvShape } from './config';

describe('loadConfig', () => {
  const shape = { ...serverEnvShape, ...databaseEnvShape };

  it('applies defaults, treating empty values as unset', () => {
    const config = loadConfig(shape, { PORT: '', DATABASE_URL: '' });
    expect(config.PORT).toBe(4000);
    expect(config.DATABASE_URL).toBeUndefined();
    expect(config.FLYWHEEL_DATA_DIR).toBe('.data');
    expect(config.FLYWHEEL_EMBEDDED_PG_PORT).toBe(54329);
  });

  it('names every bad variable with its value in one error', () => {
    let error: unknown;
    try {
      loadConfig(shape, { PORT: 'eighty', LOG_LEVEL: 'loud', DATABASE_URL: 'mysql://x', DATABASE_POOL_SIZE: '0' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.join('\n');
    expect((error as ConfigError).problems).toHaveLength(4);
    expect(problems).toContain('PORT="eighty"');
    expect(problems).toContain('LOG_LEVEL="loud"');
    expect(problems).toContain('DATABASE_URL="mysql://x": expected a postgres:// or postgresql:// URL');
    expect(problems).toContain('DATABASE_POOL_SIZE="0"');
  });
});
