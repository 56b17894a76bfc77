// Every collector an account's audit runs, in the order their parts and coverage reasons are
// written. A new source is its collector file (account-collector.ts says what it declares) and one
// line here: its actions then reach the audit role and the management-side policy (permissions.ts).
import type { RegisteredCollector } from './account-collector';
import { cloudTrailCollector } from './cloudtrail';
import { inventoryCollector } from './inventory';
import { usersAndRootCollector } from './users-and-root';

export const ACCOUNT_COLLECTORS: readonly RegisteredCollector[] = [usersAndRootCollector, inventoryCollector, cloudTrailCollector];
