import type { MigrationInterface } from 'typeorm';

/** An entity class, as listed in a module's `entities`. */
export type EntityClass = new (...args: never[]) => object;

/** A migration class, as listed in a module's `migrations`. */
export type MigrationClass = new () => MigrationInterface;
