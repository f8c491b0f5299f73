/**
 * What the scheduler needs from the platform: the store, the bus, a logger and the run
 * operations. A narrow view, so the scheduler's parts name exactly what they use.
 */
import type { Platform } from '../platform.ts';

/** The part of a Platform the scheduler, the backfill runner and the trigger watcher use. */
export type SchedulerPlatform = Pick<Platform, 'store' | 'bus' | 'logger' | 'triggerRun' | 'cancelRun' | 'rerunFromFailure'>;
