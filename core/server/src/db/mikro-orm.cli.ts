// Config for the MikroORM CLI (`npm run migration:create`): same options as the app, database from DATABASE_URL.
import { ormOptions } from './orm.ts';

const url = process.env.DATABASE_URL;
if (!url) throw new Error('Set DATABASE_URL (npm run migration:create starts a throwaway PostgreSQL for you).');
export default ormOptions(url, { allowGlobalContext: true });
