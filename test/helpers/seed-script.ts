/** The seed example: the ten most recently active users whose first name starts with "me" (the playground's first example). */
export { SEED_SCRIPT as SEED } from '../../src/playground/examples';
